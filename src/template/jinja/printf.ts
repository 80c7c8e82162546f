/**
 * Python's printf-style formatting (`"%s-%02d" % (a, n)`, the `format` filter): flags - + space #
 * 0, width, precision, conversions s r a d i u o x X e E f F g G c %, and `%(name)s` with a dict.
 */
import { JinjaRuntimeError } from './errors.js';
import { pyRepr } from './pystr.js';
import { dictGet, dictHas, isFloat, isInt, isMapping, isTuple, toNum, typeName } from './values.js';

const SPEC = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([diouxXeEfFgGcrsa%])?/g;

function fixed(x: number, prec: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  return x.toFixed(Math.min(prec, 100));
}

function expo(x: number, prec: number, upper: boolean): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const [m, e] = x.toExponential(prec).split('e');
  const n = Number(e);
  const s = `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  return upper ? s.toUpperCase() : s;
}

function general(x: number, prec: number, alt: boolean, upper: boolean): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const p = prec === 0 ? 1 : prec;
  const exp = x === 0 ? 0 : Math.floor(Math.log10(Math.abs(Number(x.toExponential(p - 1)))));
  let s = exp < -4 || exp >= p ? expo(x, p - 1, upper) : x.toFixed(Math.max(0, p - 1 - exp));
  if (!alt) s = s.replace(/\.?0+(?=e|E|$)/, (m) => (m.startsWith('.') || s.includes('.') ? '' : m));
  return s;
}

function toInt(v: unknown, conv: string): bigint {
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (isInt(v)) return BigInt(v);
  if (isFloat(v)) return BigInt(Math.trunc(toNum(v)));
  throw new JinjaRuntimeError(`%${conv} format: a real number is required, not ${typeName(v)}`);
}

function one(
  conv: string,
  flags: string,
  width: number,
  prec: number | undefined,
  v: unknown,
  str: (x: unknown) => string,
): string {
  let body: string;
  let sign = '';
  const numeric = !'srac'.includes(conv);
  if (conv === 's') body = str(v);
  else if (conv === 'r' || conv === 'a') body = pyRepr(v);
  else if (conv === 'c') body = typeof v === 'string' ? v : String.fromCodePoint(Number(toInt(v, conv)));
  else if ('diuoxX'.includes(conv)) {
    const n = toInt(v, conv);
    const abs = n < 0n ? -n : n;
    sign = n < 0n ? '-' : '';
    body =
      conv === 'o'
        ? abs.toString(8)
        : conv === 'x'
          ? abs.toString(16)
          : conv === 'X'
            ? abs.toString(16).toUpperCase()
            : abs.toString();
    if (prec !== undefined) body = body.padStart(prec, '0');
    if (flags.includes('#') && conv === 'o') body = `0o${body}`;
    if (flags.includes('#') && (conv === 'x' || conv === 'X')) body = `0${conv}${body}`;
  } else {
    if (typeof v === 'string' || v === null || Array.isArray(v) || isMapping(v))
      throw new JinjaRuntimeError(`must be real number, not ${typeName(v)}`);
    const x = toNum(v);
    sign = x < 0 || Object.is(x, -0) ? '-' : '';
    const a = Math.abs(x);
    const p = prec ?? 6;
    if (conv === 'f' || conv === 'F') body = fixed(a, p);
    else if (conv === 'e' || conv === 'E') body = expo(a, p, conv === 'E');
    else body = general(a, p, flags.includes('#'), conv === 'G');
    if (conv === 'F') body = body.toUpperCase();
  }
  if (!numeric && prec !== undefined) body = Array.from(body).slice(0, prec).join('');
  if (numeric && !sign) sign = flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  const len = sign.length + Array.from(body).length;
  if (len >= width) return sign + body;
  if (flags.includes('-')) return sign + body + ' '.repeat(width - len);
  if (flags.includes('0') && numeric) return sign + '0'.repeat(width - len) + body;
  return ' '.repeat(width - len) + sign + body;
}

/** `fmt % args` for a str left operand. */
export function formatPercent(fmt: string, args: unknown, str: (v: unknown) => string): string {
  const list: unknown[] = isTuple(args) ? (args as unknown[]).slice() : [args];
  const dict = isMapping(args) ? args : undefined;
  let i = 0;
  let usedDict = false;
  const out = fmt.replace(
    SPEC,
    (
      m,
      key: string | undefined,
      flags: string,
      w: string | undefined,
      p: string | undefined,
      conv: string | undefined,
    ) => {
      if (!conv) throw new JinjaRuntimeError('incomplete format');
      if (conv === '%' && m === '%%') return '%';
      const next = (): unknown => {
        if (i >= list.length) throw new JinjaRuntimeError('not enough arguments for format string');
        return list[i++];
      };
      const width = w === '*' ? Number(next()) : w ? Number(w) : 0;
      const prec = p === '*' ? Number(next()) : p === undefined ? undefined : Number(p || '0');
      let v: unknown;
      if (key !== undefined) {
        if (!dict) throw new JinjaRuntimeError('format requires a mapping');
        if (!dictHas(dict, key)) throw new JinjaRuntimeError(`KeyError: '${key}'`);
        v = dictGet(dict, key);
        usedDict = true;
      } else if (conv === '%') return '%';
      else v = dict && !usedDict && list.length === 1 ? next() : next();
      return one(conv, flags, width, prec, v, str);
    },
  );
  if (!dict && i < list.length)
    throw new JinjaRuntimeError('not all arguments converted during string formatting');
  return out;
}
