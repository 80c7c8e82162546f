/**
 * Python's str() and repr() of the engine's values: what `{{ x }}` prints (lists and dicts as
 * Python literals, True/False/None, floats as Python's shortest repr).
 */
import {
  JinjaUndefined,
  PyDateTime,
  PyFloat,
  dictEntries,
  isMapping,
  isTuple,
  namedInfo,
  typeName,
} from './values.js';
import { JinjaRuntimeError } from './errors.js';

/** Python's repr(float): shortest round-trip digits, exponent form outside 1e-4 <= |x| < 1e16. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = x.toExponential().split('e');
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    out = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    out = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return neg ? `-${out}` : out;
}

// Python's str.isprintable() is false for these categories (space excepted)
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's repr(str). */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) {
      const c = ch.codePointAt(0)!;
      if (c < 0x100) out += `\\x${c.toString(16).padStart(2, '0')}`;
      else if (c < 0x10000) out += `\\u${c.toString(16).padStart(4, '0')}`;
      else out += `\\U${c.toString(16).padStart(8, '0')}`;
    } else out += ch;
  }
  return out + quote;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Python's str(datetime): `2024-05-01 12:00:00.123000` (local or UTC fields). */
export function dateTimeStr(d: PyDateTime): string {
  const t = d.date;
  const f = d.utc
    ? [
        t.getUTCFullYear(),
        t.getUTCMonth() + 1,
        t.getUTCDate(),
        t.getUTCHours(),
        t.getUTCMinutes(),
        t.getUTCSeconds(),
        t.getUTCMilliseconds(),
      ]
    : [
        t.getFullYear(),
        t.getMonth() + 1,
        t.getDate(),
        t.getHours(),
        t.getMinutes(),
        t.getSeconds(),
        t.getMilliseconds(),
      ];
  const base = `${pad(f[0], 4)}-${pad(f[1])}-${pad(f[2])} ${pad(f[3])}:${pad(f[4])}:${pad(f[5])}`;
  return f[6] ? `${base}.${pad(f[6] * 1000, 6)}` : base;
}

/** Python's repr() of a value. */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string') return strRepr(v);
  if (Array.isArray(v)) {
    const items = v.map(pyRepr);
    const named = namedInfo(v);
    if (named) return `${named.name}(${named.fields.map((f, i) => `${f}=${items[i]}`).join(', ')})`;
    if (isTuple(v)) return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    return `[${items.join(', ')}]`;
  }
  if (isMapping(v))
    return `{${dictEntries(v)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  if (v instanceof PyDateTime) {
    const s = dateTimeStr(v)
      .split(/[- :.]/)
      .map(Number);
    const parts = s.slice(0, s[6] ? 7 : s[5] ? 6 : 5);
    return `datetime.datetime(${parts.join(', ')})`;
  }
  return pyStr(v);
}

/** Python's str() of a value; an undefined value throws (Ansible's StrictUndefined). */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : floatRepr(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (v instanceof JinjaUndefined || v === undefined) {
    if (v instanceof JinjaUndefined) v.fail();
    throw new JinjaRuntimeError('value is undefined');
  }
  if (v instanceof PyDateTime) return dateTimeStr(v);
  if (Array.isArray(v) || isMapping(v)) return pyRepr(v);
  const str = (v as { pyStr?: () => string }).pyStr;
  if (typeof str === 'function') return str.call(v);
  throw new JinjaRuntimeError(`cannot render a ${typeName(v)} value as text`);
}
