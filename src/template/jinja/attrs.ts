/**
 * Jinja's attribute and item access: `x.name` tries the Python attribute first (a method) and
 * then the item; `x[key]` tries the item first, then the attribute. Misses are undefined values
 * with Jinja's messages ("'dict object' has no attribute 'x'", "list object has no element 3").
 * Only own keys of mappings and whitelisted methods are reachable: never a JS prototype.
 */
import { JinjaRuntimeError } from './errors.js';
import { method } from './methods.js';
import { pyRepr } from './pystr.js';
import {
  JinjaUndefined,
  PyDateTime,
  dictGet,
  dictHas,
  isInt,
  isMapping,
  isTuple,
  namedInfo,
  toNum,
  tuple,
  typeName,
} from './values.js';

/** Jinja's object_type_repr: `dict object`, `None`. */
function objRepr(v: unknown): string {
  if (v === null) return 'None';
  return `${typeName(v)} object`;
}

function noAttr(obj: unknown, name: string): JinjaUndefined {
  return new JinjaUndefined(`'${objRepr(obj)}' has no attribute '${name}'`);
}

function noElement(obj: unknown, key: unknown): JinjaUndefined {
  return new JinjaUndefined(`${objRepr(obj)} has no element ${pyRepr(key)}`);
}

/** A value's object-specific attributes (loop, namespace, datetime...). */
interface HasAttrs {
  pyGetAttr(name: string): unknown;
}
function hasAttrs(v: unknown): v is HasAttrs {
  return typeof (v as HasAttrs | null)?.pyGetAttr === 'function';
}

const DT_FIELDS: Record<string, (d: Date, utc: boolean) => number> = {
  year: (d, u) => (u ? d.getUTCFullYear() : d.getFullYear()),
  month: (d, u) => (u ? d.getUTCMonth() : d.getMonth()) + 1,
  day: (d, u) => (u ? d.getUTCDate() : d.getDate()),
  hour: (d, u) => (u ? d.getUTCHours() : d.getHours()),
  minute: (d, u) => (u ? d.getUTCMinutes() : d.getMinutes()),
  second: (d, u) => (u ? d.getUTCSeconds() : d.getSeconds()),
  microsecond: (d, u) => (u ? d.getUTCMilliseconds() : d.getMilliseconds()) * 1000,
};

/** Python getattr only (no item fallback); undefined when missing. */
function pyAttr(obj: unknown, name: string): unknown {
  if (hasAttrs(obj)) return obj.pyGetAttr(name);
  const named = namedInfo(obj);
  if (named && named.fields.includes(name)) return (obj as unknown[])[named.fields.indexOf(name)];
  if (obj instanceof PyDateTime && Object.hasOwn(DT_FIELDS, name)) return DT_FIELDS[name](obj.date, obj.utc);
  return method(obj, name);
}

/** `obj.name` */
export function getAttr(obj: unknown, name: string): unknown {
  if (obj instanceof JinjaUndefined) return obj;
  const a = pyAttr(obj, name);
  if (a !== undefined) return a;
  if (isMapping(obj) && dictHas(obj, name)) return dictGet(obj, name);
  return noAttr(obj, name);
}

/** A slice object for `x[a:b:c]`. */
export interface Slice {
  slice: true;
  start: unknown;
  stop: unknown;
  step: unknown;
}

function sliceIndices(len: number, s: Slice): number[] {
  const step = s.step === null || s.step === undefined ? 1 : toNum(s.step);
  if (step === 0) throw new JinjaRuntimeError('slice step cannot be zero');
  const norm = (v: unknown, dflt: number, lo: number, hi: number): number => {
    if (v === null || v === undefined) return dflt;
    if (!isInt(v) && typeof v !== 'boolean')
      throw new JinjaRuntimeError('slice indices must be integers or None or have an __index__ method');
    let n = toNum(v);
    if (n < 0) n += len;
    return Math.min(Math.max(n, lo), hi);
  };
  const out: number[] = [];
  if (step > 0) {
    const a = norm(s.start, 0, 0, len);
    const b = norm(s.stop, len, 0, len);
    for (let i = a; i < b; i += step) out.push(i);
  } else {
    const a = norm(s.start, len - 1, -1, len - 1);
    const b = norm(s.stop, -1, -1, len - 1);
    for (let i = a; i > b; i += step) out.push(i);
  }
  return out;
}

const hasSurrogates = (s: string): boolean => /[\uD800-\uDFFF]/.test(s);

/** `obj[key]` */
export function getItem(obj: unknown, key: unknown): unknown {
  if (obj instanceof JinjaUndefined) return obj;
  if (key instanceof JinjaUndefined) key.fail();
  const sl = key as Slice;
  if (sl?.slice === true) {
    if (typeof obj === 'string') {
      const chars = hasSurrogates(obj) ? Array.from(obj) : obj;
      return sliceIndices(chars.length, sl)
        .map((i) => chars[i])
        .join('');
    }
    if (Array.isArray(obj)) {
      const r = sliceIndices(obj.length, sl).map((i) => obj[i] as unknown);
      return isTuple(obj) ? tuple(r) : r;
    }
    return noElement(obj, key);
  }
  if (isMapping(obj)) {
    if (dictHas(obj, key)) return dictGet(obj, key);
    if (typeof key === 'string') {
      const a = pyAttr(obj, key);
      return a !== undefined ? a : noAttr(obj, key);
    }
    return noElement(obj, key);
  }
  if (Array.isArray(obj) || typeof obj === 'string') {
    if (isInt(key) || typeof key === 'boolean') {
      const seq = typeof obj === 'string' && hasSurrogates(obj) ? Array.from(obj) : obj;
      let i = toNum(key);
      if (i < 0) i += seq.length;
      if (i >= 0 && i < seq.length) return seq[i];
      return noElement(obj, key);
    }
    if (typeof key === 'string') {
      const a = pyAttr(obj, key);
      return a !== undefined ? a : noAttr(obj, key);
    }
    return noElement(obj, key);
  }
  if (typeof key === 'string') {
    const a = pyAttr(obj, key);
    return a !== undefined ? a : noAttr(obj, key);
  }
  if (hasAttrs(obj) && typeof (obj as { pyGetItem?: unknown }).pyGetItem === 'function')
    return (obj as unknown as { pyGetItem(k: unknown): unknown }).pyGetItem(key);
  return noElement(obj, key);
}
