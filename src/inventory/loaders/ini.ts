/**
 * The INI inventory format (Ansible's `ini` plugin): `[group]` sections of host lines
 * (`name[:port] key=value ...`), `[group:vars]` of `key = value`, `[group:children]` of group
 * names; lines before any section are ungrouped hosts. Values are typed like Ansible types them
 * (`ast.literal_eval`: 22 is an int, True a bool, [1, 2] a list, anything else a string). A
 * `[x:children]` or `[x:vars]` naming a group never defined in the file is an error, as in Ansible.
 */
import type { SourceLocation } from '../../errors.js';
import type { InventoryBuilder } from '../builder.js';
import { checkOneVar } from '../check-vars.js';
import { literalEval } from '../python-literal.js';
import { expandHostEntry, RangeSyntaxError } from '../ranges.js';
import { shlexSplit } from './shlex.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

interface Pending {
  state: 'vars' | 'children';
  at: SourceLocation;
  /** for `children`: the sections that named this group */
  parents: string[];
}

/** Type an INI value like Ansible: a Python literal becomes its value, anything else stays text. */
export function typeIniValue(text: string): unknown {
  const lit = literalEval(text);
  return lit ? lit.value : text;
}

/** Load one INI inventory file's text into the builder (problems become builder issues). */
export function loadIniInventory(b: InventoryBuilder, text: string, file: string): void {
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state: 'hosts' | 'vars' | 'children' | 'skip' = 'hosts';
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    const at = (offset = 0): SourceLocation => ({ file, line: lineNo, col: indent + offset + 1 });
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const m = SECTION.exec(line);
    if (m) {
      const kind = m[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
        b.fail(`section [${m[1]}:${kind}] has unknown type "${kind}" (expected vars or children)`, at());
        state = 'skip'; // its lines cannot be understood: do not report each of them too
        return;
      }
      group = m[1];
      state = kind;
      if (!b.groups.has(group)) {
        if (state === 'vars' && !pending.has(group)) pending.set(group, { state, at: at(), parents: [] });
        b.addGroup(group, at(1));
      }
      const p = pending.get(group);
      if (p && state !== 'vars') {
        if (p.state === 'children') resolvePending(b, group, pending);
        else pending.delete(group);
      }
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      b.fail(`invalid section header ${line}: a group name has no spaces, ":" or "]"`, at());
      return;
    }
    if (state === 'skip') return;
    if (state === 'hosts') hostLine(b, line, group, at);
    else if (state === 'vars') varsLine(b, line, group, at);
    else {
      const child = GROUP_NAME.exec(line)?.[1];
      if (!child) {
        b.fail(`expected a group name in [${group}:children], got "${line}"`, at());
      } else if (b.groups.has(child)) {
        b.addChild(group, child, at(), `${group}.children.${child}`);
      } else {
        const p = pending.get(child);
        if (p) p.parents.push(group);
        else pending.set(child, { state: 'children', at: at(), parents: [group] });
      }
    }
  });
  for (const [name, p] of pending) {
    if (p.state === 'vars') b.fail(`section [${name}:vars] is for an undefined group "${name}"`, p.at);
    else
      b.fail(
        `section [${p.parents[p.parents.length - 1]}:children] includes undefined group "${name}"`,
        p.at,
      );
  }
}

/** A group named earlier in `[x:children]` is now defined: link it (and its pending parents). */
function resolvePending(b: InventoryBuilder, group: string, pending: Map<string, Pending>): void {
  const p = pending.get(group)!;
  pending.delete(group);
  for (const parent of p.parents) {
    b.addChild(parent, group, p.at);
    if (pending.get(parent)?.state === 'children') resolvePending(b, parent, pending);
  }
}

function hostLine(
  b: InventoryBuilder,
  line: string,
  group: string,
  at: (o?: number) => SourceLocation,
): void {
  let words;
  try {
    words = shlexSplit(line);
  } catch (err) {
    b.fail(`cannot parse host line: ${(err as Error).message}`, at());
    return;
  }
  if (!words.length) return;
  const [first, ...rest] = words;
  if (first.text === '---') {
    b.fail('"---" is not a host name: is this a YAML file with an INI extension?', at(first.offset));
    return;
  }
  if (first.text.endsWith(':')) {
    b.fail(`host "${first.text}" ends with ":" but has no port`, at(first.offset));
    return;
  }
  let expanded: { hosts: string[]; port?: number };
  try {
    expanded = expandHostEntry(first.text);
  } catch (err) {
    if (!(err instanceof RangeSyntaxError)) throw err;
    b.fail(err.message, at(first.offset), `${group}.hosts.${first.text}`);
    return;
  }
  const vars: [string, unknown][] = [];
  for (const w of rest) {
    const eq = w.text.indexOf('=');
    if (eq <= 0) {
      b.fail(
        `expected key=value after the host name, got "${w.text}"`,
        at(w.offset),
        `${group}.hosts.${first.text}`,
      );
      continue;
    }
    const key = w.text.slice(0, eq);
    const value = typeIniValue(w.text.slice(eq + 1));
    b.issues.push(...checkOneVar(key, value, [group, 'hosts', first.text], at(w.offset + eq + 1)));
    vars.push([key, value]);
  }
  for (const host of expanded.hosts) {
    b.addHost(host, group, expanded.port, at(first.offset));
    for (const [k, v] of vars) b.setHostVar(host, k, v);
  }
}

function varsLine(
  b: InventoryBuilder,
  line: string,
  group: string,
  at: (o?: number) => SourceLocation,
): void {
  const eq = line.indexOf('=');
  if (eq < 0) {
    b.fail(`expected key=value in [${group}:vars], got "${line}"`, at());
    return;
  }
  const key = line.slice(0, eq).trim();
  const rawValue = line.slice(eq + 1);
  const value = typeIniValue(rawValue.trim());
  const valueOffset = eq + 1 + (rawValue.length - rawValue.trimStart().length);
  b.issues.push(...checkOneVar(key, value, [group, 'vars'], at(valueOffset)));
  b.setGroupVar(group, key, value);
}
