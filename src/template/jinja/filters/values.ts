/**
 * Value filters: default/d (Jinja's: only an undefined value, or any falsy one with the second
 * argument true — None is NOT replaced otherwise), bool (Ansible's to_bool), ternary, mandatory,
 * int, float, abs, round, and the math filters log/pow/root.
 */
import { bindArgs } from '../callable.js';
import type { FilterSpec } from '../environment.js';
import { JinjaRuntimeError } from '../errors.js';
import { truthy } from '../ops.js';
import { pyStr } from '../pystr.js';
import { JinjaUndefined, PyFloat, isFloat, isInt, mkFloat, mkInt, toNum } from '../values.js';

const PY_INT = /^\s*[+-]?(\d(_?\d)*)\s*$/;

/** Python's int(str, base). */
function parseIntStr(str: string, base: number): number | bigint | undefined {
  const t = str.trim().replace(/_/g, '').toLowerCase();
  if (base === 10) return PY_INT.test(str) ? mkInt(BigInt(t)) : undefined;
  const m = /^([+-]?)(0[box])?([0-9a-z]+)$/.exec(t);
  if (!m) return undefined;
  const b = base === 0 ? (m[2] === '0x' ? 16 : m[2] === '0o' ? 8 : m[2] === '0b' ? 2 : 10) : base;
  const digits = m[3];
  if (![...digits].every((c) => parseInt(c, 36) < b)) return undefined;
  let n = 0n;
  for (const c of digits) n = n * BigInt(b) + BigInt(parseInt(c, 36));
  return mkInt(m[1] === '-' ? -n : n);
}

/** Python's float(str). */
export function parseFloatStr(str: string): number | undefined {
  const t = str
    .trim()
    .replace(/(?<=\d)_(?=\d)/g, '')
    .toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

function toInt(v: unknown, dflt: unknown, base: number): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isInt(v)) return v;
  if (isFloat(v)) return Number.isFinite(toNum(v)) ? mkInt(BigInt(Math.trunc(toNum(v)))) : dflt;
  if (typeof v === 'string') {
    const n = parseIntStr(v, base);
    if (n !== undefined) return n;
    const f = parseFloatStr(v);
    return f !== undefined && Number.isFinite(f) ? mkInt(BigInt(Math.trunc(f))) : dflt;
  }
  return dflt;
}

function pyRound(x: number, digits: number): number {
  const m = 10 ** digits;
  const y = x * m;
  const r = Math.round(y);
  // banker's rounding on exact ties, as Python's round()
  const tie = Math.abs(y - Math.trunc(y)) === 0.5;
  return (tie ? (r % 2 === 0 ? r : r - Math.sign(y) * 1) : r) / m;
}

/** Value filters by name. */
export const VALUE_FILTERS: Record<string, FilterSpec> = {
  default: {
    undefinedOk: true,
    fn: (v, a, kw) => {
      const [d, boolean] = bindArgs('default', ['default_value', 'boolean'], 0, a, kw);
      if (v instanceof JinjaUndefined || (truthy(boolean ?? false) && !truthy(v)))
        return d === undefined ? '' : d;
      return v;
    },
  },
  bool: {
    fn: (v) => {
      if (v === null || typeof v === 'boolean') return v;
      const x = typeof v === 'string' ? v.toLowerCase() : v;
      return (
        x === 'yes' || x === 'on' || x === '1' || x === 'true' || (!(typeof x === 'string') && toNum(x) === 1)
      );
    },
  },
  ternary: {
    fn: (v, a, kw) => {
      const [t, f, n] = bindArgs('ternary', ['true_val', 'false_val', 'none_val'], 2, a, kw);
      if (v === null && n !== undefined && n !== null) return n;
      return truthy(v) ? t : f;
    },
  },
  mandatory: {
    undefinedOk: true,
    fn: (v, a, kw) => {
      const [msg] = bindArgs('mandatory', ['msg'], 0, a, kw);
      if (v instanceof JinjaUndefined) {
        if (msg !== undefined && msg !== null) throw new JinjaRuntimeError(pyStr(msg));
        const name = /^'([^']+)' is undefined$/.exec(v.message)?.[1];
        throw new JinjaRuntimeError(`Mandatory variable ${name ? `'${name}' ` : ''} not defined.`);
      }
      return v;
    },
  },
  int: {
    fn: (v, a, kw) => {
      const [d, base] = bindArgs('int', ['default', 'base'], 0, a, kw);
      return toInt(v, d ?? 0, base === undefined ? 10 : toNum(base));
    },
  },
  float: {
    fn: (v, a, kw) => {
      const [d] = bindArgs('float', ['default'], 0, a, kw);
      const dflt = d ?? new PyFloat(0);
      if (typeof v === 'boolean') return new PyFloat(v ? 1 : 0);
      if (isInt(v) || isFloat(v)) return mkFloat(toNum(v));
      if (typeof v === 'string') {
        const f = parseFloatStr(v);
        return f === undefined ? dflt : mkFloat(f);
      }
      return dflt;
    },
  },
  abs: {
    fn: (v) => {
      if (typeof v === 'bigint') return v < 0n ? -v : v;
      if (v instanceof PyFloat) return new PyFloat(Math.abs(v.value));
      if (typeof v === 'number') return Math.abs(v);
      if (typeof v === 'boolean') return v ? 1 : 0;
      throw new JinjaRuntimeError(
        `bad operand type for abs(): '${typeof v === 'string' ? 'str' : 'object'}'`,
      );
    },
  },
  round: {
    fn: (v, a, kw) => {
      const [p, method] = bindArgs('round', ['precision', 'method'], 0, a, kw);
      const digits = p === undefined ? 0 : toNum(p);
      const m = method === undefined ? 'common' : pyStr(method);
      if (!['common', 'ceil', 'floor'].includes(m))
        throw new JinjaRuntimeError('method must be common, ceil or floor');
      const x = toNum(v);
      if (Number.isNaN(x) && typeof v !== 'number' && !(v instanceof PyFloat))
        throw new JinjaRuntimeError('round() requires a number');
      const f = 10 ** digits;
      const r =
        m === 'common' ? pyRound(x, digits) : m === 'ceil' ? Math.ceil(x * f) / f : Math.floor(x * f) / f;
      return mkFloat(r);
    },
  },
  log: {
    fn: (v, a) => {
      const x = toNum(v);
      const base = a.length ? toNum(a[0]) : Math.E;
      return mkFloat(base === 10 ? Math.log10(x) : Math.log(x) / Math.log(base));
    },
  },
  pow: { fn: (v, a) => mkFloat(Math.pow(toNum(v), toNum(a[0]))) },
  root: {
    fn: (v, a) => {
      const base = a.length ? toNum(a[0]) : 2;
      return mkFloat(base === 2 ? Math.sqrt(toNum(v)) : Math.pow(toNum(v), 1 / base));
    },
  },
};
