/**
 * Python str methods templates use (`.split()`, `.startswith()`, `.strip()`, `.replace()`...),
 * with Python's semantics: split() without a separator splits on runs of whitespace, strip()
 * strips Python's whitespace set, startswith accepts a tuple.
 */
import { type Kwargs, bindArgs } from './callable.js';
import { JinjaRuntimeError } from './errors.js';
import { pyRstrip } from './lexer.js';
import { isInt, toNum, tuple, typeName } from './values.js';
import { pyStr } from './pystr.js';

type StrMethod = (s: string, args: unknown[], kw: Kwargs) => unknown;

// eslint-disable-next-line no-control-regex -- Python's whitespace set has these control characters
const WS = /[ \t\n\r\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
// eslint-disable-next-line no-control-regex -- same set as WS
const WS_RUN = /[ \t\n\r\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

function pyLstrip(s: string): string {
  let i = 0;
  while (i < s.length && WS.test(s[i])) i++;
  return s.slice(i);
}

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  if (chars === undefined || chars === null) {
    let r = s;
    if (left) r = pyLstrip(r);
    if (right) r = pyRstrip(r);
    return r;
  }
  if (typeof chars !== 'string') throw new JinjaRuntimeError(`strip arg must be None or str`);
  let a = 0;
  let b = s.length;
  if (left) while (a < b && chars.includes(s[a])) a++;
  if (right) while (b > a && chars.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

function split(s: string, sep: unknown, maxsplit: unknown): string[] {
  let max = maxsplit === undefined ? -1 : toNum(maxsplit);
  if (sep === undefined || sep === null) {
    const out: string[] = [];
    let rest = pyLstrip(s);
    while (rest) {
      if (max === 0) {
        out.push(rest);
        break;
      }
      const m = WS_RUN.exec(rest);
      if (!m) {
        out.push(rest);
        break;
      }
      out.push(rest.slice(0, m.index));
      rest = pyLstrip(rest.slice(m.index));
      max--;
    }
    return out;
  }
  if (typeof sep !== 'string') throw new JinjaRuntimeError(`must be str or None, not ${typeName(sep)}`);
  if (sep === '') throw new JinjaRuntimeError('empty separator');
  const parts = s.split(sep);
  if (max < 0 || parts.length <= max + 1) return parts;
  return [...parts.slice(0, max), parts.slice(max).join(sep)];
}

function rsplit(s: string, sep: unknown, maxsplit: unknown): string[] {
  const max = maxsplit === undefined ? -1 : toNum(maxsplit);
  if (max < 0) return split(s, sep, maxsplit);
  if (sep === undefined || sep === null) {
    const rev = split(Array.from(s).reverse().join(''), sep, max);
    return rev.map((p) => Array.from(p).reverse().join('')).reverse();
  }
  const parts = split(s, sep, -1);
  if (parts.length <= max + 1) return parts;
  return [parts.slice(0, parts.length - max).join(sep as string), ...parts.slice(parts.length - max)];
}

function affix(
  name: string,
  s: string,
  a: unknown[],
  kw: Kwargs,
  test: (s: string, p: string) => boolean,
): boolean {
  const [p, start, end] = bindArgs(name, ['prefix', 'start', 'end'], 1, a, kw);
  const sub = s.slice(start === undefined ? 0 : toNum(start), end === undefined ? undefined : toNum(end));
  const list = Array.isArray(p) ? p : [p];
  for (const x of list) {
    if (typeof x !== 'string')
      throw new JinjaRuntimeError(`${name} first arg must be str or a tuple of str, not ${typeName(x)}`);
    if (test(sub, x)) return true;
  }
  return false;
}

function justify(name: string, s: string, a: unknown[], kw: Kwargs): [number, string] {
  const [w, fill] = bindArgs(name, ['width', 'fillchar'], 1, a, kw);
  if (!isInt(w)) throw new JinjaRuntimeError(`'${typeName(w)}' object cannot be interpreted as an integer`);
  return [Math.max(0, toNum(w) - Array.from(s).length), fill === undefined ? ' ' : pyStr(fill)];
}

const title = (s: string): string =>
  s.toLowerCase().replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase());

/** The str methods by name. */
export const STR_METHODS: Record<string, StrMethod> = {
  split: (s, a, kw) => split(s, ...(bindArgs('split', ['sep', 'maxsplit'], 0, a, kw) as [unknown, unknown])),
  rsplit: (s, a, kw) =>
    rsplit(s, ...(bindArgs('rsplit', ['sep', 'maxsplit'], 0, a, kw) as [unknown, unknown])),
  splitlines: (s, a, kw) => {
    const [keep] = bindArgs('splitlines', ['keepends'], 0, a, kw);
    // eslint-disable-next-line no-control-regex -- str.splitlines() boundaries include \v \f \x1c-\x1e
    const parts = s.split(/(\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029])/);
    const out: string[] = [];
    for (let i = 0; i < parts.length; i += 2) {
      const line = parts[i] + (keep === true && parts[i + 1] ? parts[i + 1] : '');
      if (i === parts.length - 1 && parts[i] === '') break;
      out.push(line);
    }
    return out;
  },
  strip: (s, a, kw) => stripChars(s, bindArgs('strip', ['chars'], 0, a, kw)[0], true, true),
  lstrip: (s, a, kw) => stripChars(s, bindArgs('lstrip', ['chars'], 0, a, kw)[0], true, false),
  rstrip: (s, a, kw) => stripChars(s, bindArgs('rstrip', ['chars'], 0, a, kw)[0], false, true),
  startswith: (s, a, kw) => affix('startswith', s, a, kw, (x, p) => x.startsWith(p)),
  endswith: (s, a, kw) => affix('endswith', s, a, kw, (x, p) => x.endsWith(p)),
  replace: (s, a, kw) => {
    const [o, n, c] = bindArgs('replace', ['old', 'new', 'count'], 2, a, kw);
    if (typeof o !== 'string' || typeof n !== 'string')
      throw new JinjaRuntimeError(
        `replace() argument must be str, not ${typeName(typeof o !== 'string' ? o : n)}`,
      );
    const count = c === undefined ? -1 : toNum(c);
    if (count < 0) return o === '' ? Array.from(s).join(n).replace(/^/, n) + n : s.split(o).join(n);
    let out = s;
    let from = 0;
    for (let i = 0; i < count; i++) {
      const at = out.indexOf(o, from);
      if (at < 0) break;
      out = out.slice(0, at) + n + out.slice(at + o.length);
      from = at + n.length;
    }
    return out;
  },
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  casefold: (s) => s.toLowerCase(),
  swapcase: (s) => Array.from(s, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  capitalize: (s) => (s ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s),
  title: (s) => title(s),
  find: (s, a, kw) => s.indexOf(String(bindArgs('find', ['sub'], 1, a, kw)[0])),
  rfind: (s, a, kw) => s.lastIndexOf(String(bindArgs('rfind', ['sub'], 1, a, kw)[0])),
  index: (s, a, kw) => {
    const i = s.indexOf(String(bindArgs('index', ['sub'], 1, a, kw)[0]));
    if (i < 0) throw new JinjaRuntimeError('substring not found');
    return i;
  },
  count: (s, a, kw) => {
    const sub = String(bindArgs('count', ['sub'], 1, a, kw)[0]);
    return sub === '' ? Array.from(s).length + 1 : s.split(sub).length - 1;
  },
  join: (s, a, kw) => {
    const [it] = bindArgs('join', ['iterable'], 1, a, kw);
    const items = typeof it === 'string' ? Array.from(it) : Array.isArray(it) ? it : null;
    if (!items) throw new JinjaRuntimeError('can only join an iterable');
    items.forEach((x, i) => {
      if (typeof x !== 'string')
        throw new JinjaRuntimeError(`sequence item ${i}: expected str instance, ${typeName(x)} found`);
    });
    return items.join(s);
  },
  isdigit: (s) => /^[0-9\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089]+$/.test(s),
  isdecimal: (s) => /^\p{Nd}+$/u.test(s),
  isnumeric: (s) => /^\p{N}+$/u.test(s),
  isalpha: (s) => /^\p{L}+$/u.test(s),
  isalnum: (s) => /^[\p{L}\p{N}]+$/u.test(s),
  isspace: (s) => s.length > 0 && Array.from(s).every((c) => WS.test(c)),
  islower: (s) => /\p{Ll}/u.test(s) && !/\p{Lu}|\p{Lt}/u.test(s),
  isupper: (s) => /\p{Lu}/u.test(s) && !/\p{Ll}|\p{Lt}/u.test(s),
  zfill: (s, a, kw) => {
    const [w] = bindArgs('zfill', ['width'], 1, a, kw);
    const sign = /^[+-]/.test(s) ? s[0] : '';
    const body = sign ? s.slice(1) : s;
    return sign + body.padStart(toNum(w) - sign.length, '0');
  },
  ljust: (s, a, kw) => {
    const [n, f] = justify('ljust', s, a, kw);
    return s + f.repeat(n);
  },
  rjust: (s, a, kw) => {
    const [n, f] = justify('rjust', s, a, kw);
    return f.repeat(n) + s;
  },
  center: (s, a, kw) => {
    const [n, f] = justify('center', s, a, kw);
    const left = Math.floor(n / 2) + (n % 2 && Array.from(s).length % 2 ? 1 : 0);
    return f.repeat(left) + s + f.repeat(n - left);
  },
  partition: (s, a, kw) => {
    const sep = String(bindArgs('partition', ['sep'], 1, a, kw)[0]);
    const i = s.indexOf(sep);
    return tuple(i < 0 ? [s, '', ''] : [s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  rpartition: (s, a, kw) => {
    const sep = String(bindArgs('rpartition', ['sep'], 1, a, kw)[0]);
    const i = s.lastIndexOf(sep);
    return tuple(i < 0 ? ['', '', s] : [s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  removeprefix: (s, a, kw) => {
    const p = String(bindArgs('removeprefix', ['prefix'], 1, a, kw)[0]);
    return p && s.startsWith(p) ? s.slice(p.length) : s;
  },
  removesuffix: (s, a, kw) => {
    const p = String(bindArgs('removesuffix', ['suffix'], 1, a, kw)[0]);
    return p && s.endsWith(p) ? s.slice(0, -p.length) : s;
  },
};
