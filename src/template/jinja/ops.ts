/**
 * Python's operators on the engine's values: truthiness, ==, ordering, arithmetic (int vs float,
 * floor division and modulo rounding toward -inf, str * int, list + list), `in`, iteration. Where
 * Python raises TypeError, these throw a JinjaRuntimeError with Python's message.
 */
import { JinjaRuntimeError } from './errors.js';
import { formatPercent } from './printf.js';
import { LIMITS } from './limits.js';
import {
  JinjaUndefined,
  PyFloat,
  dictEntries,
  dictGet,
  dictHas,
  dictKeys,
  dictSize,
  isFloat,
  isInt,
  isMapping,
  isTuple,
  mkFloat,
  mkInt,
  toNum,
  tuple,
  typeName,
} from './values.js';

const typeErr = (m: string): JinjaRuntimeError => new JinjaRuntimeError(m);

/** Python truthiness; an undefined value throws (StrictUndefined.__bool__). */
export function truthy(v: unknown): boolean {
  if (v === null || v === false) return false;
  if (v === true) return true;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (v instanceof PyFloat) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof JinjaUndefined) v.fail();
  if (v === undefined) throw new JinjaRuntimeError('value is undefined', 'undefined');
  if (isMapping(v)) return dictSize(v) > 0;
  return true;
}

/** bool, int or float (Python's numeric tower). */
function isNum(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v instanceof PyFloat;
}

function asBig(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return BigInt(v as number);
}

/** Python ==. An undefined operand throws, as StrictUndefined does. */
export function pyEq(a: unknown, b: unknown): boolean {
  if (a instanceof JinjaUndefined) a.fail();
  if (b instanceof JinjaUndefined) b.fail();
  if (a === b) return true;
  if (isNum(a) && isNum(b)) {
    if (typeof a === 'bigint' || typeof b === 'bigint') {
      if ((isInt(a) || typeof a === 'boolean') && (isInt(b) || typeof b === 'boolean'))
        return asBig(a) === asBig(b);
    }
    return toNum(a) === toNum(b);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (isTuple(a) !== isTuple(b) || a.length !== b.length) return false;
    return a.every((x, i) => pyEq(x, b[i]));
  }
  if (isMapping(a) && isMapping(b)) {
    if (dictSize(a) !== dictSize(b)) return false;
    return dictEntries(a).every(([k, v]) => dictHas(b, k) && pyEq(v, dictGet(b, k)));
  }
  return false;
}

const SYMBOL: Record<string, string> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/** Python ordering: -1, 0, 1; TypeError across unorderable types. */
export function pyCmp(a: unknown, b: unknown, op = '<'): number {
  if (a instanceof JinjaUndefined) a.fail();
  if (b instanceof JinjaUndefined) b.fail();
  if (isNum(a) && isNum(b)) {
    if ((typeof a === 'bigint' || typeof b === 'bigint') && !isFloat(a) && !isFloat(b)) {
      const x = asBig(a);
      const y = asBig(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    const x = toNum(a);
    const y = toNum(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEq(a[i], b[i])) return pyCmp(a[i], b[i], op);
    }
    return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
  }
  throw typeErr(
    `'${SYMBOL[op] ?? op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`,
  );
}

/** A comparison operator of the grammar. */
export function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return pyEq(a, b);
    case '!=':
      return !pyEq(a, b);
    case 'in':
      return contains(b, a);
    case 'notin':
      return !contains(b, a);
    case '<':
      return pyCmp(a, b, op) < 0;
    case '<=':
      return pyCmp(a, b, op) <= 0;
    case '>':
      return pyCmp(a, b, op) > 0;
    default:
      return pyCmp(a, b, op) >= 0;
  }
}

/** Python's `item in container`. */
export function contains(container: unknown, item: unknown): boolean {
  if (container instanceof JinjaUndefined) container.fail();
  if (item instanceof JinjaUndefined && !isMapping(container) && !Array.isArray(container)) item.fail();
  if (typeof container === 'string') {
    if (typeof item !== 'string')
      throw typeErr(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((x) => pyEq(x, item));
  if (isMapping(container)) {
    if (item instanceof JinjaUndefined) item.fail();
    return dictHas(container, item);
  }
  throw typeErr(`argument of type '${typeName(container)}' is not iterable`);
}

/** The items a `for` loop (or list()) iterates over. */
export function iterate(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return Array.from(v);
  if (isMapping(v)) return dictKeys(v);
  if (v instanceof JinjaUndefined) v.fail();
  const it = (v as { pyIter?: () => unknown[] } | null)?.pyIter;
  if (typeof it === 'function') return it.call(v);
  throw typeErr(`'${typeName(v)}' object is not iterable`);
}

function operandErr(op: string, a: unknown, b: unknown): JinjaRuntimeError {
  return typeErr(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

function numOp(
  op: string,
  a: unknown,
  b: unknown,
  ints: (x: bigint, y: bigint) => bigint,
  floats: (x: number, y: number) => number,
): unknown {
  if (!isNum(a) || !isNum(b)) throw operandErr(op, a, b);
  if (isFloat(a) || isFloat(b)) return mkFloat(floats(toNum(a), toNum(b)));
  if (typeof a !== 'bigint' && typeof b !== 'bigint') {
    const r = floats(toNum(a), toNum(b));
    if (Number.isSafeInteger(r)) return r;
  }
  return mkInt(ints(asBig(a), asBig(b)));
}

function checkSize(n: number): void {
  if (n > LIMITS.maxSequence)
    throw typeErr(`result too large (${n} items/characters; certfleet's limit is ${LIMITS.maxSequence})`);
}

function repeat(seq: unknown, n: unknown): unknown {
  const k = Math.max(0, Number(asBig(n)));
  if (typeof seq === 'string') {
    checkSize(seq.length * k);
    return seq.repeat(k);
  }
  const arr = seq as unknown[];
  checkSize(arr.length * k);
  const out: unknown[] = [];
  for (let i = 0; i < k; i++) out.push(...arr);
  return isTuple(arr) ? tuple(out) : out;
}

const isIntLike = (v: unknown): boolean => isInt(v) || typeof v === 'boolean';

/** Python's binary arithmetic operators and Jinja's `~`. */
export function binary(op: string, a: unknown, b: unknown, str: (v: unknown) => string): unknown {
  if (a instanceof JinjaUndefined) a.fail();
  if (b instanceof JinjaUndefined) b.fail();
  switch (op) {
    case '~': {
      const s = str(a) + str(b);
      checkSize(s.length);
      return s;
    }
    case '+':
      if (typeof a === 'string' || typeof b === 'string') {
        if (typeof a === 'string' && typeof b === 'string') {
          checkSize(a.length + b.length);
          return a + b;
        }
        if (typeof a === 'string') throw typeErr(`can only concatenate str (not "${typeName(b)}") to str`);
        throw operandErr('+', a, b);
      }
      if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
        checkSize(a.length + b.length);
        return isTuple(a) ? tuple([...a, ...b]) : [...a, ...b];
      }
      if (Array.isArray(a) && !isTuple(a))
        throw typeErr(`can only concatenate list (not "${typeName(b)}") to list`);
      if (Array.isArray(a)) throw typeErr(`can only concatenate tuple (not "${typeName(b)}") to tuple`);
      return numOp(
        '+',
        a,
        b,
        (x, y) => x + y,
        (x, y) => x + y,
      );
    case '-':
      return numOp(
        '-',
        a,
        b,
        (x, y) => x - y,
        (x, y) => x - y,
      );
    case '*':
      if ((typeof a === 'string' || Array.isArray(a)) && isIntLike(b)) return repeat(a, b);
      if ((typeof b === 'string' || Array.isArray(b)) && isIntLike(a)) return repeat(b, a);
      if (typeof a === 'string' || typeof b === 'string' || Array.isArray(a) || Array.isArray(b)) {
        if (typeof a === 'string' || Array.isArray(a))
          throw typeErr(`can't multiply sequence by non-int of type '${typeName(b)}'`);
        throw typeErr(`can't multiply sequence by non-int of type '${typeName(a)}'`);
      }
      return numOp(
        '*',
        a,
        b,
        (x, y) => x * y,
        (x, y) => x * y,
      );
    case '/': {
      if (!isNum(a) || !isNum(b)) throw operandErr('/', a, b);
      if (toNum(b) === 0)
        throw typeErr(isFloat(a) || isFloat(b) ? 'float division by zero' : 'division by zero');
      return mkFloat(toNum(a) / toNum(b));
    }
    case '//':
      if (isNum(a) && isNum(b) && toNum(b) === 0)
        throw typeErr(
          isFloat(a) || isFloat(b) ? 'float floor division by zero' : 'integer division or modulo by zero',
        );
      return numOp('//', a, b, floorDivBig, (x, y) => Math.floor(x / y));
    case '%':
      if (typeof a === 'string') return formatPercent(a, b, str);
      if (isNum(a) && isNum(b) && toNum(b) === 0)
        throw typeErr(isFloat(a) || isFloat(b) ? 'float modulo' : 'integer modulo by zero');
      return numOp('%', a, b, modBig, pyModFloat);
    case '**':
      return power(a, b);
  }
  throw typeErr(`unknown operator ${op}`);
}

function floorDivBig(x: bigint, y: bigint): bigint {
  const q = x / y;
  return x % y !== 0n && x < 0n !== y < 0n ? q - 1n : q;
}
function modBig(x: bigint, y: bigint): bigint {
  const r = x % y;
  return r !== 0n && r < 0n !== y < 0n ? r + y : r;
}
function pyModFloat(x: number, y: number): number {
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
}

function power(a: unknown, b: unknown): unknown {
  if (!isNum(a) || !isNum(b)) throw operandErr('** or pow()', a, b);
  if (isFloat(a) || isFloat(b) || toNum(b) < 0) {
    if (toNum(a) === 0 && toNum(b) < 0) throw typeErr('0.0 cannot be raised to a negative power');
    return mkFloat(Math.pow(toNum(a), toNum(b)));
  }
  const e = asBig(b);
  const base = asBig(a);
  if (e > 10000n || (base > 1n || base < -1n ? Number(e) * Math.log2(Math.abs(Number(base))) > 4096 : false))
    throw typeErr(`integer result too large (${a} ** ${b}; certfleet's limit is 4096 bits)`);
  return mkInt(base ** e);
}

/** Unary minus / plus. */
export function unary(op: 'neg' | 'pos', a: unknown): unknown {
  if (a instanceof JinjaUndefined) a.fail();
  if (!isNum(a)) throw typeErr(`bad operand type for unary ${op === 'neg' ? '-' : '+'}: '${typeName(a)}'`);
  if (op === 'pos') return typeof a === 'boolean' ? (a ? 1 : 0) : a;
  if (typeof a === 'bigint') return mkInt(-a);
  if (a instanceof PyFloat) return new PyFloat(-a.value);
  const n = -toNum(a);
  return Object.is(n, -0) && !isFloat(a) ? 0 : n;
}
