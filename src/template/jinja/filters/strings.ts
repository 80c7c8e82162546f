/**
 * Text filters: Jinja's (lower, upper, capitalize, title, trim, replace, center, wordcount,
 * indent, format, truncate, string, urlencode) and Ansible's (quote, comment, b64encode/decode,
 * hash/checksum/md5/sha1, to_uuid, split, regex_*).
 */
import { createHash } from 'node:crypto';
import { bindArgs, kwargs, type Kwargs } from '../callable.js';
import type { FilterSpec } from '../environment.js';
import { JinjaRuntimeError } from '../errors.js';
import { STR_METHODS } from '../methods-str.js';
import { pyRstrip } from '../lexer.js';
import { strftime } from '../datetime.js';
import { formatPercent } from '../printf.js';
import { pyRegex, pyEscape, pySub } from '../pyregex.js';
import { pyStr } from '../pystr.js';
import { isMapping, toNum, tuple } from '../values.js';

const s = pyStr;
const NO_KW: Kwargs = kwargs();
const bool = (v: unknown): boolean => v === true || (typeof v === 'number' && v !== 0);

function indent(v: unknown, a: unknown[], kw: Record<string, unknown>): string {
  const [width, first, blank] = bindArgs('indent', ['width', 'first', 'blank'], 0, a, kw);
  const pad = typeof width === 'string' ? width : ' '.repeat(width === undefined ? 4 : toNum(width));
  let text = s(v);
  let nl = '\n';
  if (text.endsWith('\n')) {
    text = text.slice(0, -1);
  } else nl = '';
  const lines = text.split('\n');
  const out = lines.map((line, i) => {
    if (i === 0) return bool(first) ? pad + line : line;
    if (!bool(blank) && line.trim() === '') return line;
    return pad + line;
  });
  return out.join('\n') + nl;
}

function truncate(v: unknown, a: unknown[], kw: Record<string, unknown>): string {
  const [length, killwords, end, leeway] = bindArgs(
    'truncate',
    ['length', 'killwords', 'end', 'leeway'],
    0,
    a,
    kw,
  );
  const str = s(v);
  const len = length === undefined ? 255 : toNum(length);
  const e = end === undefined ? '...' : s(end);
  const lw = leeway === undefined ? 5 : toNum(leeway);
  if (str.length <= len + lw) return str;
  if (bool(killwords)) return str.slice(0, len - e.length) + e;
  const cut = str.slice(0, len - e.length);
  const i = cut.lastIndexOf(' ');
  return (i >= 0 ? cut.slice(0, i) : cut) + e;
}

function center(v: unknown, a: unknown[], kw: Record<string, unknown>): string {
  const [w] = bindArgs('center', ['width'], 0, a, kw);
  return STR_METHODS.center(s(v), [w ?? 80], NO_KW) as string;
}

function shellQuote(v: unknown): string {
  const str = v === null ? '' : s(v);
  if (str === '') return "''";
  if (!/[^\w@%+=:,./-]/.test(str)) return str;
  return `'${str.replace(/'/g, `'"'"'`)}'`;
}

function regexFlags(kw: Record<string, unknown>, ic: unknown, ml: unknown): string {
  return (bool(ic ?? kw.ignorecase) ? 'i' : '') + (bool(ml ?? kw.multiline) ? 'm' : '');
}

function hash(algo: string, v: unknown): string {
  const map: Record<string, string> = {
    sha1: 'sha1',
    md5: 'md5',
    sha256: 'sha256',
    sha512: 'sha512',
    sha224: 'sha224',
    sha384: 'sha384',
  };
  if (!map[algo]) throw new JinjaRuntimeError(`unsupported hash type ${algo}`);
  return createHash(map[algo]).update(s(v), 'utf8').digest('hex');
}

function uuid5(name: string, ns = '361e6d51-faec-444a-9079-341386da8e2e'): string {
  const nsBytes = Buffer.from(ns.replace(/-/g, ''), 'hex');
  const h = createHash('sha1')
    .update(Buffer.concat([nsBytes, Buffer.from(name, 'utf8')]))
    .digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function b64decode(v: unknown): string {
  const t = s(v).replace(/[^A-Za-z0-9+/=]/g, '');
  if (t.replace(/=+$/, '').length % 4 === 1) throw new JinjaRuntimeError('Incorrect padding');
  const buf = Buffer.from(t, 'base64');
  const out = new TextDecoder('utf-8', { fatal: true });
  try {
    return out.decode(buf);
  } catch {
    throw new JinjaRuntimeError("'utf-8' codec can't decode the base64 data");
  }
}

const STYLES: Record<string, Record<string, string>> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};

/** Ansible's comment filter, step for step. */
function comment(v: unknown, a: unknown[], kw: Record<string, unknown>): string {
  if (typeof v !== 'string')
    throw new JinjaRuntimeError(`'${v === null ? 'NoneType' : typeof v}' object has no attribute 'replace'`);
  const style = a.length ? s(a[0]) : 'plain';
  const sp = STYLES[style];
  if (!sp) throw new JinjaRuntimeError(`KeyError: '${style}'`);
  const pre = kw.decoration !== undefined ? s(kw.decoration) : sp.decoration;
  const p: Record<string, string> = {
    newline: '\n',
    beginning: '',
    prefix: pyRstrip(pre),
    prefix_count: '1',
    decoration: '',
    postfix: pyRstrip(pre),
    postfix_count: '1',
    end: '',
    ...sp,
  };
  for (const k of Object.keys(p)) if (kw[k] !== undefined) p[k] = s(kw[k]);
  const nl = p.newline;
  const begin = p.beginning ? `${p.beginning}${nl}` : '';
  const prefix = p.prefix ? (p.prefix !== nl ? `${p.prefix}${nl}` : nl).repeat(Number(p.prefix_count)) : '';
  const text = `${p.decoration}${v.split(nl).join(`${nl}${p.decoration}`)}`
    .split(`${p.decoration}${nl}`)
    .join(`${pyRstrip(p.decoration)}${nl}`);
  const postfix = ['', ...Array.from({ length: Number(p.postfix_count) }, () => p.postfix)].join(nl);
  const end = p.end ? `${nl}${p.end}` : '';
  return begin + prefix + text + postfix + end;
}

/** Text filters by name. */
export const STRING_FILTERS: Record<string, FilterSpec> = {
  lower: { fn: (v) => s(v).toLowerCase() },
  upper: { fn: (v) => s(v).toUpperCase() },
  capitalize: { fn: (v) => STR_METHODS.capitalize(s(v), [], NO_KW) },
  title: { fn: (v) => STR_METHODS.title(s(v), [], NO_KW) },
  trim: {
    fn: (v, a, kw) => {
      const [chars] = bindArgs('trim', ['chars'], 0, a, kw);
      return STR_METHODS.strip(s(v), chars === undefined ? [] : [chars], NO_KW);
    },
  },
  replace: {
    fn: (v, a, kw) => {
      const [o, n, c] = bindArgs('replace', ['old', 'new', 'count'], 2, a, kw);
      return STR_METHODS.replace(s(v), c === undefined || c === null ? [s(o), s(n)] : [s(o), s(n), c], NO_KW);
    },
  },
  center: { fn: center },
  wordcount: { fn: (v) => (s(v).match(/[\p{L}\p{N}\p{Mn}\p{Pc}]+/gu) ?? []).length },
  indent: { fn: indent },
  truncate: { fn: truncate },
  format: {
    fn: (v, a, kw) => {
      if (Object.keys(kw).length && a.length)
        throw new JinjaRuntimeError("can't handle positional and keyword arguments at the same time");
      return formatPercent(s(v), Object.keys(kw).length ? new Map(Object.entries(kw)) : tuple([...a]), s);
    },
  },
  string: { fn: (v) => s(v), stringResult: true },
  quote: { fn: shellQuote },
  split: {
    fn: (v, a, kw) => {
      if (typeof v !== 'string')
        throw new JinjaRuntimeError(
          `descriptor 'split' for 'str' objects doesn't apply to a '${typeof v}' object`,
        );
      return STR_METHODS.split(v, a, kw);
    },
  },
  b64encode: { fn: (v) => Buffer.from(s(v), 'utf8').toString('base64') },
  b64decode: { fn: b64decode },
  hash: { fn: (v, a) => hash(a.length ? s(a[0]) : 'sha1', v) },
  checksum: { fn: (v) => hash('sha1', v) },
  sha1: { fn: (v) => hash('sha1', v) },
  md5: { fn: (v) => hash('md5', v) },
  to_uuid: { fn: (v, a) => uuid5(s(v), a.length ? s(a[0]).toLowerCase() : undefined) },
  urlencode: {
    fn: (v) => {
      const enc = (x: unknown): string =>
        encodeURIComponent(s(x))
          .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
          .replace(/%2F/g, '/');
      if (isMapping(v)) throw new JinjaRuntimeError('urlencode of a mapping is not supported');
      return enc(v);
    },
  },
  regex_replace: {
    fn: (v, a, kw) => {
      const [pattern, repl, ic, ml] = bindArgs(
        'regex_replace',
        ['pattern', 'replacement', 'ignorecase', 'multiline'],
        0,
        a,
        kw,
      );
      return pySub(s(pattern ?? ''), s(repl ?? ''), s(v), regexFlags({}, ic, ml));
    },
  },
  regex_search: {
    fn: (v, a, kw) => {
      const [pattern, ...groups] = a;
      const text = s(v);
      const m = pyRegex(s(pattern), text, regexFlags(kw, undefined, undefined)).exec(text);
      if (!m) return null;
      if (!groups.length) return m[0];
      return groups.map((g) => {
        const gs = s(g);
        const named = /^\\g<(\S+)>$/.exec(gs);
        if (named)
          return /^\d+$/.test(named[1]) ? (m[Number(named[1])] ?? null) : (m.groups?.[named[1]] ?? null);
        const num = /^\\(\d+)/.exec(gs);
        if (!num) throw new JinjaRuntimeError('Unknown argument');
        return m[Number(num[1])] ?? null;
      });
    },
  },
  regex_findall: {
    fn: (v, a, kw) => {
      const [pattern, ml, ic] = bindArgs('regex_findall', ['regex', 'multiline', 'ignorecase'], 1, a, kw);
      const text = s(v);
      const re = pyRegex(s(pattern), text, `${regexFlags({}, ic, ml)}g`);
      const out: unknown[] = [];
      for (let m = re.exec(text); m; m = re.exec(text)) {
        if (m[0] === '') re.lastIndex++;
        if (m.length === 1) out.push(m[0]);
        else if (m.length === 2) out.push(m[1] ?? '');
        else out.push(tuple(m.slice(1).map((x) => x ?? '')));
      }
      return out;
    },
  },
  regex_escape: {
    fn: (v, a) => {
      const type = a.length ? s(a[0]) : 'python';
      if (type === 'python') return pyEscape(s(v));
      if (type === 'posix_basic') return s(v).replace(/[\].[^$*\\]/g, (c) => `\\${c}`);
      throw new JinjaRuntimeError(`Regex type (${type}) not yet implemented`);
    },
  },
  comment: { fn: comment },
  strftime: {
    fn: (v, a, kw) => {
      const [second, utc] = bindArgs('strftime', ['second', 'utc'], 0, a, kw);
      let when = new Date();
      if (second !== undefined && second !== null) {
        const n = Number(s(second));
        if (Number.isNaN(n)) throw new JinjaRuntimeError(`Invalid value for epoch value (${s(second)})`);
        when = new Date(n * 1000);
      }
      return strftime(s(v), when, utc === true);
    },
  },
};
