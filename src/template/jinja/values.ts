/**
 * The Python data model the engine computes with, on plain JS values where they agree:
 * None = null, bool = boolean, str = string, list = Array, dict = Map or a plain object,
 * int = an integer number (a bigint past 2^53), float = a non-integer number or a PyFloat
 * (a float whose value is integral, `6 / 2` = 3.0, must not render as an int). Tuples are arrays
 * marked with TUPLE. Undefined names are JinjaUndefined values that fail when used, as
 * Ansible's StrictUndefined does.
 */
import { JinjaRuntimeError } from './errors.js';

/** A float whose value happens to be integral (3.0): renders `3.0`, not `3`. */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
}

/** Python's datetime (for `now()`), local time, microseconds. */
export class PyDateTime {
  constructor(
    readonly date: Date,
    readonly utc: boolean,
  ) {}
}

const TUPLE = Symbol('tuple');
type Tagged = unknown[] & { [TUPLE]?: true };

/** Mark an array as a Python tuple (repr `(1, 2)`, immutable for the template). */
export function tuple<T extends unknown[]>(items: T): T {
  (items as Tagged)[TUPLE] = true;
  return items;
}

const NAMED = Symbol('namedtuple');
type Named = unknown[] & { [NAMED]?: { name: string; fields: string[] } };

/** A named tuple (Jinja's groupby result): a tuple whose fields are also attributes. */
export function namedTuple(name: string, fields: string[], items: unknown[]): unknown[] {
  const t = tuple(items) as Named;
  t[NAMED] = { name, fields };
  return t;
}

/** The name and fields of a named tuple, if it is one. */
export function namedInfo(v: unknown): { name: string; fields: string[] } | undefined {
  return Array.isArray(v) ? (v as Named)[NAMED] : undefined;
}

/** Is this array a tuple? */
export function isTuple(v: unknown): boolean {
  return Array.isArray(v) && (v as Tagged)[TUPLE] === true;
}

/** A dict (Map or plain object): the template reads only own keys. */
export type PyDict = Map<unknown, unknown> | Record<string, unknown>;

/** Is this a mapping (Map or a plain object)? Class instances are not mappings. */
export function isMapping(v: unknown): v is PyDict {
  if (v instanceof Map) return true;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v) as unknown;
  return p === Object.prototype || p === null;
}

/** Own keys of a mapping, in insertion order. */
export function dictKeys(d: PyDict): unknown[] {
  return d instanceof Map ? [...d.keys()] : Object.keys(d).filter((k) => d[k] !== undefined);
}

/** [key, value] pairs of a mapping. */
export function dictEntries(d: PyDict): [unknown, unknown][] {
  if (d instanceof Map) return [...d.entries()];
  const out: [unknown, unknown][] = [];
  for (const k of Object.keys(d)) if (d[k] !== undefined) out.push([k, d[k]]);
  return out;
}

/** Key lookup with Python's equality for Map keys (1 == 1.0 == True). */
export function dictHas(d: PyDict, key: unknown): boolean {
  if (d instanceof Map) return d.has(key) || (typeof key !== 'string' && mapKey(d, key) !== NOT_FOUND);
  return typeof key === 'string' && Object.hasOwn(d, key) && d[key] !== undefined;
}

const NOT_FOUND = Symbol('not found');
function mapKey(d: Map<unknown, unknown>, key: unknown): unknown {
  const n = numericKey(key);
  if (n === undefined) return NOT_FOUND;
  for (const k of d.keys()) if (numericKey(k) === n) return k;
  return NOT_FOUND;
}
function numericKey(k: unknown): number | undefined {
  if (typeof k === 'boolean') return k ? 1 : 0;
  if (typeof k === 'number') return k;
  if (k instanceof PyFloat) return k.value;
  return undefined;
}

/** Value for a key, undefined when missing. */
export function dictGet(d: PyDict, key: unknown): unknown {
  if (d instanceof Map) {
    if (d.has(key)) return d.get(key);
    if (typeof key === 'string') return undefined;
    const k = mapKey(d, key);
    return k === NOT_FOUND ? undefined : d.get(k);
  }
  return typeof key === 'string' && Object.hasOwn(d, key) ? d[key] : undefined;
}

/** Number of keys. */
export function dictSize(d: PyDict): number {
  return d instanceof Map ? d.size : dictKeys(d).length;
}

/** A new dict (a Map: keeps Python's key order and key types). */
export function newDict(entries: Iterable<[unknown, unknown]> = []): Map<unknown, unknown> {
  const m = new Map<unknown, unknown>();
  for (const [k, v] of entries) dictSet(m, k, v);
  return m;
}

/** Set a key on a dict created by the engine (an equal key already there is reused). */
export function dictSet(d: Map<unknown, unknown>, key: unknown, value: unknown): void {
  if (!d.has(key) && typeof key !== 'string') {
    const k = mapKey(d, key);
    if (k !== NOT_FOUND) key = k;
  }
  d.set(key, value);
}

/** Python int? (bool is an int subclass in Python; callers that care test bool first) */
export function isInt(v: unknown): v is number | bigint {
  return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
}

/** Python float? */
export function isFloat(v: unknown): v is number | PyFloat {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
}

/** int, float or bool (Python's numbers.Number includes bool). */
export function isNumber(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v instanceof PyFloat;
}

/** A float result: integral values are boxed so they keep rendering as floats. */
export function mkFloat(x: number): number | PyFloat {
  return Number.isInteger(x) ? new PyFloat(x) : x;
}

/** An int result: a bigint only when a number would lose precision. */
export function mkInt(x: bigint): number | bigint {
  return x >= -9007199254740991n && x <= 9007199254740991n ? Number(x) : x;
}

/** The JS number of an int/float/bool (precision loss past 2^53 is the caller's concern). */
export function toNum(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'bigint') return Number(v);
  return NaN;
}

/** Python's type name, as error messages print it. */
export function typeName(v: unknown): string {
  if (v === null) return 'NoneType';
  if (v === undefined || v instanceof JinjaUndefined) return 'AnsibleUndefined';
  if (typeof v === 'boolean') return 'bool';
  if (isInt(v)) return 'int';
  if (isFloat(v)) return 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return isTuple(v) ? 'tuple' : 'list';
  if (isMapping(v)) return 'dict';
  if (v instanceof PyDateTime) return 'datetime';
  if (typeof v === 'function') return 'function';
  const n = (v as { pyType?: string }).pyType;
  return typeof n === 'string' ? n : 'object';
}

/**
 * An undefined value: a missing variable ("'x' is undefined"), attribute ("'dict object' has no
 * attribute 'x'") or item. Attribute and item access on it return itself (Ansible's
 * AnsibleUndefined keeps the first failure); any other use throws UndefinedError.
 */
export class JinjaUndefined {
  readonly pyType = 'AnsibleUndefined';
  constructor(readonly message: string) {}
  fail(): never {
    throw new JinjaRuntimeError(this.message, 'undefined');
  }
}

/** The undefined value for a missing variable name. */
export function undefinedName(name: string): JinjaUndefined {
  return new JinjaUndefined(`'${name}' is undefined`);
}

/** Throw if v is undefined; else return it. */
export function defined<T>(v: T): Exclude<T, JinjaUndefined> {
  if (v instanceof JinjaUndefined) v.fail();
  if (v === undefined) throw new JinjaRuntimeError('value is undefined', 'undefined');
  return v as Exclude<T, JinjaUndefined>;
}
