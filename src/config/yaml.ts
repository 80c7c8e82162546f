/**
 * YAML parsing that keeps `line:col` for every mapping, sequence, key and item, so later stages
 * (schema validation, inventory merge, playbook load, the engine) can point at the exact source.
 * Positions live in a WeakMap keyed by the parsed JS objects: the data stays plain JSON.
 */
import { readFile } from 'node:fs/promises';
import {
  LineCounter,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Document,
  type Node,
  type SchemaOptions,
  type YAMLError,
} from 'yaml';
import { ConfigError, type Issue, type SourceLocation } from '../errors.js';

interface NodeLocations {
  /** where the mapping/sequence itself starts */
  self: SourceLocation;
  /** mapping: where each key starts; sequence: where each item starts */
  keys: Map<string | number, SourceLocation>;
  /** mapping: where each value starts */
  values: Map<string | number, SourceLocation>;
}

const locations = new WeakMap<object, NodeLocations>();

/** Where a parsed object (or one of its keys/items) came from, if it came from a file. */
export function locate(obj: unknown, key?: string | number): SourceLocation | undefined {
  if (obj === null || typeof obj !== 'object') return undefined;
  const l = locations.get(obj);
  if (!l) return undefined;
  if (key === undefined) return l.self;
  return l.keys.get(key) ?? l.self;
}

/** Where the value under `key` of a parsed object starts (falls back to the key, then the object). */
export function locateValue(obj: unknown, key: string | number): SourceLocation | undefined {
  if (obj === null || typeof obj !== 'object') return undefined;
  const l = locations.get(obj);
  return l?.values.get(key) ?? l?.keys.get(key) ?? l?.self;
}

/** Give `target` the same recorded location as `from` (used when objects are copied or merged). */
export function copyLocation(from: object, target: object): void {
  const l = locations.get(from);
  if (l) locations.set(target, l);
}

/**
 * Locate a path of keys inside a parsed document root: the last element's key (default) or its
 * value (`at: 'value'`, where type errors should point).
 */
export function locatePath(
  root: unknown,
  path: (string | number)[],
  at: 'key' | 'value' = 'key',
): SourceLocation | undefined {
  let obj: unknown = root;
  let best = locate(root);
  for (let i = 0; i < path.length; i++) {
    // ajv's instance paths spell array indexes as strings; positions are stored under numbers
    const key =
      Array.isArray(obj) && typeof path[i] === 'string' && /^\d+$/.test(String(path[i]))
        ? Number(path[i])
        : path[i];
    if (obj === null || typeof obj !== 'object') break;
    const last = i === path.length - 1;
    best = (last && at === 'key' ? locate(obj, key) : locateValue(obj, key)) ?? best;
    obj = (obj as Record<string | number, unknown>)[key];
  }
  return best;
}

/**
 * YAML 1.1 floats as PyYAML (Ansible) resolves them: a float needs a digit and a dot, an exponent
 * needs a dot and a sign. The `yaml` library's 1.1 schema also reads `e1`, `1e5` and `.` as floats
 * (`e1` even as NaN), which would turn host names and values into numbers where Ansible sees strings.
 */
function pyyamlFloats(tags: Tags): Tags {
  const FLOAT = /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)$/;
  const EXP = /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)[eE][-+][0-9]+$/;
  return tags.map((t) => {
    if (typeof t !== 'object' || t.tag !== 'tag:yaml.org,2002:float' || !('test' in t) || !t.test) return t;
    if (t.format === 'EXP') return { ...t, test: EXP };
    if (!t.format && String(t.test).includes('\\.[0-9_]*$')) return { ...t, test: FLOAT };
    return t;
  });
}
type Tags = NonNullable<Exclude<SchemaOptions['customTags'], (tags: never) => unknown>>;

export interface ParsedYaml {
  file: string;
  value: unknown;
  text: string;
}

/**
 * Parse YAML text; every syntax error and duplicate key becomes an Issue with file:line:col.
 * `version: '1.1'` reads `yes`/`no`/`on`/`off` as booleans and `0755` as octal, like Ansible (PyYAML).
 */
export function parseYaml(text: string, file: string, opts: { version?: '1.1' | '1.2' } = {}): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
    version: opts.version ?? '1.2',
    ...(opts.version === '1.1' ? { customTags: pyyamlFloats } : {}),
  });
  const issues: Issue[] = doc.errors.map((e) => yamlIssue(e, file, lineCounter));
  if (!issues.length) {
    // a mapping or sequence used as a key (`? {a: 1}`) would be stringified, maybe over several
    // lines, into the data; PyYAML refuses it too ("found unhashable key")
    visit(doc, {
      Pair(_, pair) {
        const key = pair.key as Node | null;
        if ((isMap(key) || isSeq(key)) && key.range) {
          // a block mapping key's own range starts after its first key: take the earliest offset
          const item = key.items[0] as { key?: Node; range?: [number, number, number] } | undefined;
          const first = (isPair(item) ? (item.key as Node | null)?.range?.[0] : item?.range?.[0]) ?? Infinity;
          const { line, col } = lineCounter.linePos(Math.min(key.range[0], first));
          issues.push({ source: { file, line, col }, message: 'a mapping or list cannot be a key' });
        }
      },
    });
  }
  if (issues.length) throw new ConfigError(issues);
  const pos = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    // toJS throws for an alias without anchor, for alias bombs (ReferenceError) and for a `<<` merge of
    // a non-map (Error): all bad input in an already parsed document, not a bug
    const message = (err as Error).message;
    if (!(err instanceof ReferenceError) && !/^Merge sources/.test(message)) throw err;
    throw new ConfigError([{ source: aliasLocation(doc, message, pos), message }]);
  }
  record(doc.contents, value, pos);
  return { file, value, text };
}

/** Where the alias named in a toJS error (or else the first alias) is written. */
function aliasLocation(
  doc: Document,
  message: string,
  pos: (offset: number) => SourceLocation,
): SourceLocation {
  const name = /: (\S+)$/.exec(message)?.[1];
  let first: number | undefined;
  let named: number | undefined;
  visit(doc, {
    Alias(_, node) {
      const start = node.range?.[0];
      if (start === undefined) return;
      first ??= start;
      if (named === undefined && node.source === name) named = start;
    },
  });
  return pos(named ?? first ?? 0);
}

/** Read and parse a YAML file; an unreadable file is a ConfigError naming it. */
export async function readYamlFile(file: string): Promise<ParsedYaml> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([
      { source: { file, line: 1, col: 1 }, message: `cannot read file: ${errnoText(err)}` },
    ]);
  }
  return parseYaml(text, file);
}

export function errnoText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'no such file or directory';
  if (e?.code === 'EACCES') return 'permission denied';
  if (e?.code === 'EISDIR') return 'is a directory';
  return e?.message ?? String(err);
}

function yamlIssue(e: YAMLError, file: string, lc: LineCounter): Issue {
  const { line, col } = lc.linePos(e.pos[0]);
  let message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (e.code === 'DUPLICATE_KEY')
    message = 'duplicate key' + (message.match(/: (.*)$/)?.[1] ? `: ${message.match(/: (.*)$/)?.[1]}` : '');
  return { source: { file, line, col }, message: `YAML: ${message}` };
}

function record(node: Node | null | undefined, value: unknown, pos: (o: number) => SourceLocation): void {
  if (!node || value === null || typeof value !== 'object') return;
  const start = node.range?.[0] ?? 0;
  if (isMap(node) && !Array.isArray(value)) {
    const entry: NodeLocations = { self: pos(start), keys: new Map(), values: new Map() };
    locations.set(value, entry);
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : keyNode ? String(keyNode) : '';
      if (keyNode?.range) entry.keys.set(key, pos(keyNode.range[0]));
      const valNode = pair.value as Node | null;
      if (valNode?.range) entry.values.set(key, pos(valNode.range[0]));
      record(valNode, (value as Record<string, unknown>)[key], pos);
    }
  } else if (isSeq(node) && Array.isArray(value)) {
    const entry: NodeLocations = { self: pos(start), keys: new Map(), values: new Map() };
    locations.set(value, entry);
    node.items.forEach((item, i) => {
      const n = item as Node;
      if (n?.range) {
        entry.keys.set(i, pos(n.range[0]));
        entry.values.set(i, pos(n.range[0]));
      }
      record(n, value[i], pos);
    });
  }
}
