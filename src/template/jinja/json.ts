/**
 * Python's json.dumps (as Ansible's to_json/to_nice_json call it: ensure_ascii, ", "/": "
 * separators, optional indent and sort_keys) and json.loads (floats stay floats, ints stay ints,
 * NaN/Infinity accepted).
 */
import { JinjaRuntimeError } from './errors.js';
import { dateTimeStr, floatRepr } from './pystr.js';
import { pyCmp } from './ops.js';
import {
  JinjaUndefined,
  PyDateTime,
  PyFloat,
  dictEntries,
  isMapping,
  mkFloat,
  mkInt,
  newDict,
  typeName,
} from './values.js';

/** json.dumps options. */
export interface DumpOptions {
  indent?: number;
  sortKeys?: boolean;
  separators?: [string, string];
  ensureAscii?: boolean;
}

function str(s: string, ascii: boolean): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || (ascii && c > 0x7e)) {
      const units = c > 0xffff ? [0xd800 + ((c - 0x10000) >> 10), 0xdc00 + ((c - 0x10000) & 0x3ff)] : [c];
      for (const u of units) out += `\\u${u.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

function num(v: number | PyFloat): string {
  const x = v instanceof PyFloat ? v.value : v;
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return floatRepr(x);
}

function key(k: unknown): string {
  if (typeof k === 'string') return k;
  if (k === null) return 'null';
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (typeof k === 'number' && Number.isInteger(k)) return String(k);
  if (typeof k === 'bigint') return k.toString();
  if (typeof k === 'number' || k instanceof PyFloat) return num(k);
  throw new JinjaRuntimeError(`keys must be str, int, float, bool or None, not ${typeName(k)}`);
}

/** json.dumps(v, cls=AnsibleJSONEncoder, ...) */
export function jsonDumps(v: unknown, o: DumpOptions = {}): string {
  const [itemSep, keySep] = o.separators ?? (o.indent === undefined ? [', ', ': '] : [',', ': ']);
  const ascii = o.ensureAscii !== false;
  const walk = (x: unknown, level: number): string => {
    if (x === null) return 'null';
    if (x === true) return 'true';
    if (x === false) return 'false';
    if (typeof x === 'string') return str(x, ascii);
    if (typeof x === 'bigint') return x.toString();
    if (typeof x === 'number') return Number.isInteger(x) ? String(x) : num(x);
    if (x instanceof PyFloat) return num(x);
    if (x instanceof PyDateTime) return str(dateTimeStr(x).replace(' ', 'T'), ascii);
    if (x instanceof JinjaUndefined) x.fail();
    const nl = o.indent === undefined ? '' : `\n${' '.repeat(o.indent * (level + 1))}`;
    const end = o.indent === undefined ? '' : `\n${' '.repeat(o.indent * level)}`;
    if (Array.isArray(x)) {
      if (!x.length) return '[]';
      return `[${nl}${x.map((y) => walk(y, level + 1)).join(itemSep + nl)}${end}]`;
    }
    if (isMapping(x)) {
      let entries = dictEntries(x);
      if (!entries.length) return '{}';
      if (o.sortKeys) entries = [...entries].sort((a, b) => pyCmp(a[0], b[0]));
      return `{${nl}${entries.map(([k, y]) => str(key(k), ascii) + keySep + walk(y, level + 1)).join(itemSep + nl)}${end}}`;
    }
    throw new JinjaRuntimeError(`Object of type ${typeName(x)} is not JSON serializable`);
  };
  return walk(v, 0);
}

/** json.loads */
export function jsonLoads(text: string): unknown {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = (msg: string): never => {
    throw new JinjaRuntimeError(`${msg}: char ${i}`);
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const d = newDict();
      ws();
      if (text[i] === '}') return (i++, d);
      for (;;) {
        ws();
        if (text[i] !== '"') fail('Expecting property name enclosed in double quotes');
        const k = string();
        ws();
        if (text[i++] !== ':') fail("Expecting ':' delimiter");
        d.set(k, value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return (i++, d);
        else fail("Expecting ',' delimiter");
      }
    }
    if (c === '[') {
      i++;
      const l: unknown[] = [];
      ws();
      if (text[i] === ']') return (i++, l);
      for (;;) {
        l.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return (i++, l);
        else fail("Expecting ',' delimiter");
      }
    }
    if (c === '"') return string();
    for (const [lit, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
    ] as const) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return typeof v === 'number' ? v : v;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) return fail('Expecting value');
    i += m[0].length;
    return m[2] || m[3] ? mkFloat(Number(m[0])) : mkInt(BigInt(m[0]));
  };
  const string = (): string => {
    i++;
    let out = '';
    for (;;) {
      const c = text[i++];
      if (c === undefined) fail('Unterminated string starting at');
      if (c === '"') return out;
      if (c === '\\') {
        const e = text[i++];
        const map: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e === 'u') {
          out += String.fromCharCode(parseInt(text.slice(i, i + 4), 16));
          i += 4;
        } else if (e in map) out += map[e];
        else fail('Invalid \\escape');
      } else if (c < ' ') fail('Invalid control character at');
      else out += c;
    }
  };
  const v = value();
  ws();
  if (i < text.length) fail('Extra data');
  return v;
}
