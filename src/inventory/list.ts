/**
 * `ansible-inventory` output: `--list` (groups with hosts/children, `all.children`, `_meta.hostvars`
 * for hosts that have variables; empty groups omitted but still named by their parents), `--host`
 * and `--graph [--vars]`, printed the way ansible-core 2.14 prints them (JSON with sorted keys and
 * 4-space indent; graph values in Python's notation).
 */
import type { Inventory } from './types.js';

/** Variables ansible-inventory never prints (magic and run-time variables). */
const INTERNAL_VARS = new Set([
  'ansible_diff_mode',
  'ansible_config_file',
  'ansible_facts',
  'ansible_forks',
  'ansible_inventory_sources',
  'ansible_limit',
  'ansible_playbook_python',
  'ansible_run_tags',
  'ansible_skip_tags',
  'ansible_verbosity',
  'ansible_version',
  'inventory_dir',
  'inventory_file',
  'inventory_hostname',
  'inventory_hostname_short',
  'groups',
  'group_names',
  'omit',
  'playbook_dir',
]);

type Vars = Record<string, unknown>;

function withoutInternal(vars: Vars): Vars {
  const out: Vars = {};
  for (const [k, v] of Object.entries(vars)) if (!INTERNAL_VARS.has(k)) out[k] = v;
  return out;
}

/** A host's merged variables as `ansible-inventory --host` and `_meta.hostvars` show them. */
export function listedHostVars(inv: Inventory, host: string): Vars {
  return withoutInternal(inv.hostVars(host));
}

/** A group's own variables (inventory files plus group_vars/) as `--graph --vars` shows them. */
export function listedGroupVars(inv: Inventory, group: string): Vars {
  const g = inv.groups.get(group);
  if (!g) return {};
  const vars = { ...g.vars };
  if (g.priority !== undefined && g.priority !== 1) vars.ansible_group_priority = g.priority;
  return withoutInternal(vars);
}

/** The object `ansible-inventory --list` prints. */
export function toAnsibleList(inv: Inventory): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const format = (name: string): void => {
    const g = inv.groups.get(name)!;
    const entry: { hosts?: string[]; children?: string[] } = {};
    if (name !== 'all' && g.hosts.length) entry.hosts = [...g.hosts];
    if (g.children.length) entry.children = [...g.children];
    // parents first, like Ansible's dict insertion order (irrelevant once keys are sorted)
    if (entry.hosts || entry.children) out[name] = entry;
    for (const child of g.children) {
      if (seen.has(child)) continue;
      seen.add(child);
      format(child);
    }
  };
  format('all');
  const hostvars: Record<string, Vars> = {};
  for (const host of inv.hosts.keys()) {
    const vars = listedHostVars(inv, host);
    if (Object.keys(vars).length) hostvars[host] = vars;
  }
  out._meta = { hostvars };
  return out;
}

/** JSON like Python's `json.dumps(sort_keys=True, indent=4, ensure_ascii=False)`. */
export function ansibleJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 4);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    const out: Vars = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Vars)[k]);
    return out;
  }
  return value;
}

/** The text of `ansible-inventory --graph [GROUP] [--vars]`. */
export function graph(inv: Inventory, group = 'all', showVars = false): string {
  const lines: string[] = [];
  const name = (text: string, depth: number) => (depth ? `${'  |'.repeat(depth)}--${text}` : text);
  const vars = (v: Vars, depth: number) => {
    for (const k of Object.keys(v).sort()) lines.push(name(`{${k} = ${pyStr(v[k])}}`, depth));
  };
  const walk = (g: string, depth: number): void => {
    lines.push(name(`@${g}:`, depth));
    const data = inv.groups.get(g)!;
    for (const child of data.children) walk(child, depth + 1);
    if (g !== 'all') {
      for (const host of data.hosts) {
        lines.push(name(host, depth + 1));
        if (showVars) vars(listedHostVars(inv, host), depth + 2);
      }
    }
    if (showVars) vars(listedGroupVars(inv, g), depth + 1);
  };
  walk(group, 0);
  return lines.join('\n');
}

/** Python's `str()` of a value: strings bare at the top, `repr()` inside containers. */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

/** Python's `repr()` of a JSON-like value (True/False/None, quoted strings, lists, dicts). */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan';
  if (typeof v === 'string') return reprString(v);
  if (v instanceof Date) return reprString(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Vars)
      .map(([k, x]) => `${reprString(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  }
  return typeof v === 'bigint' ? v.toString() : 'None';
}

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}
