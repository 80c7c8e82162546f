/**
 * The Python methods a template may call on str, list and dict (a whitelist: nothing else on a
 * value is reachable). List/dict methods that mutate work only on values the template itself
 * built: Ansible hands templates copies of the variables, certfleet hands the originals.
 */
import { type CallContext, type Kwargs, PyCallable, bindArgs } from './callable.js';
import { JinjaRuntimeError } from './errors.js';
import { pyCmp, pyEq } from './ops.js';
import { strFormat } from './pyformat.js';
import { pyStr } from './pystr.js';
import { STR_METHODS } from './methods-str.js';
import {
  type PyDict,
  dictEntries,
  dictGet,
  dictHas,
  dictKeys,
  dictSet,
  isMapping,
  isTuple,
  toNum,
  tuple,
  typeName,
} from './values.js';

type Method<T> = (self: T, args: unknown[], kw: Kwargs, ctx: CallContext) => unknown;

function mutable(self: object, ctx: CallContext, method: string): void {
  if (isTuple(self)) throw new JinjaRuntimeError(`'tuple' object has no attribute '${method}'`);
  if (!ctx.owns(self))
    throw new JinjaRuntimeError(
      `${method}() would change a variable's value in place; certfleet allows it only on lists and dicts the template built itself (copy first: {% set l = x | list %})`,
    );
}

const arg = (name: string, names: string[], req: number, a: unknown[], kw: Kwargs): unknown[] =>
  bindArgs(name, names, req, a, kw);

function index(len: number, i: unknown): number {
  const n = toNum(i);
  return n < 0 ? Math.max(0, len + n) : Math.min(n, len);
}

const LIST: Record<string, Method<unknown[]>> = {
  append: (s, a, kw, ctx) => {
    mutable(s, ctx, 'append');
    s.push(arg('append', ['object'], 1, a, kw)[0]);
    return null;
  },
  extend: (s, a, kw, ctx) => {
    mutable(s, ctx, 'extend');
    const [it] = arg('extend', ['iterable'], 1, a, kw);
    s.push(
      ...((Array.isArray(it)
        ? it
        : typeof it === 'string'
          ? Array.from(it)
          : isMapping(it)
            ? dictKeys(it)
            : []) as unknown[]),
    );
    return null;
  },
  insert: (s, a, kw, ctx) => {
    mutable(s, ctx, 'insert');
    const [i, v] = arg('insert', ['index', 'object'], 2, a, kw);
    s.splice(index(s.length, i), 0, v);
    return null;
  },
  pop: (s, a, kw, ctx) => {
    mutable(s, ctx, 'pop');
    const [i] = arg('pop', ['index'], 0, a, kw);
    if (!s.length) throw new JinjaRuntimeError('pop from empty list');
    const n = i === undefined ? s.length - 1 : toNum(i) < 0 ? s.length + toNum(i) : toNum(i);
    if (n < 0 || n >= s.length) throw new JinjaRuntimeError('pop index out of range');
    return s.splice(n, 1)[0];
  },
  remove: (s, a, kw, ctx) => {
    mutable(s, ctx, 'remove');
    const [v] = arg('remove', ['value'], 1, a, kw);
    const i = s.findIndex((x) => pyEq(x, v));
    if (i < 0) throw new JinjaRuntimeError('list.remove(x): x not in list');
    s.splice(i, 1);
    return null;
  },
  index: (s, a, kw) => {
    const [v] = arg('index', ['value'], 1, a, kw);
    const i = s.findIndex((x) => pyEq(x, v));
    if (i < 0) throw new JinjaRuntimeError(`${pyStr(v)} is not in list`);
    return i;
  },
  count: (s, a, kw) => {
    const [v] = arg('count', ['value'], 1, a, kw);
    return s.filter((x) => pyEq(x, v)).length;
  },
  reverse: (s, _a, _k, ctx) => {
    mutable(s, ctx, 'reverse');
    s.reverse();
    return null;
  },
  sort: (s, a, kw, ctx) => {
    mutable(s, ctx, 'sort');
    const [, rev] = arg('sort', ['key', 'reverse'], 0, a, { ...kw });
    s.sort((x, y) => pyCmp(x, y));
    if (rev === true) s.reverse();
    return null;
  },
  copy: (s, _a, _k, ctx) => ctx.own([...s]),
  clear: (s, _a, _k, ctx) => {
    mutable(s, ctx, 'clear');
    s.length = 0;
    return null;
  },
};

const DICT: Record<string, Method<PyDict>> = {
  items: (d, _a, _k, ctx) => ctx.own(dictEntries(d).map(([k, v]) => tuple([k, v]))),
  keys: (d, _a, _k, ctx) => ctx.own(dictKeys(d)),
  values: (d, _a, _k, ctx) => ctx.own(dictEntries(d).map(([, v]) => v)),
  get: (d, a, kw) => {
    const [k, dflt] = arg('get', ['key', 'default'], 1, a, kw);
    return dictHas(d, k) ? dictGet(d, k) : (dflt ?? null);
  },
  copy: (d, _a, _k, ctx) => ctx.own(new Map(dictEntries(d))),
  update: (d, a, kw, ctx) => {
    mutable(d, ctx, 'update');
    const m = d as Map<unknown, unknown>;
    for (const other of a) {
      if (isMapping(other)) for (const [k, v] of dictEntries(other)) dictSet(m, k, v);
      else if (Array.isArray(other))
        for (const p of other) dictSet(m, (p as unknown[])[0], (p as unknown[])[1]);
    }
    for (const k of Object.keys(kw)) dictSet(m, k, kw[k]);
    return null;
  },
  pop: (d, a, kw, ctx) => {
    mutable(d, ctx, 'pop');
    const [k, dflt] = arg('pop', ['key', 'default'], 1, a, kw);
    const m = d as Map<unknown, unknown>;
    if (!dictHas(m, k)) {
      if (a.length > 1) return dflt;
      throw new JinjaRuntimeError(`KeyError: ${pyStr(k)}`);
    }
    const v = dictGet(m, k);
    m.delete(k);
    return v;
  },
  setdefault: (d, a, kw, ctx) => {
    const [k, dflt] = arg('setdefault', ['key', 'default'], 1, a, kw);
    if (dictHas(d, k)) return dictGet(d, k);
    mutable(d, ctx, 'setdefault');
    dictSet(d as Map<unknown, unknown>, k, dflt ?? null);
    return dflt ?? null;
  },
};

/** The bound method `name` of `obj`, or undefined when Python has no such attribute. */
export function method(obj: unknown, name: string): PyCallable | undefined {
  if (typeof obj === 'string') {
    if (name === 'format') return new PyCallable('format', (a, kw) => strFormat(obj, a, kw));
    const m = Object.hasOwn(STR_METHODS, name) ? STR_METHODS[name] : undefined;
    return m && new PyCallable(name, (a, kw) => m(obj, a, kw));
  }
  if (Array.isArray(obj)) {
    const tupleOk = name === 'index' || name === 'count';
    const m = Object.hasOwn(LIST, name) && (!isTuple(obj) || tupleOk) ? LIST[name] : undefined;
    return m && new PyCallable(name, (a, kw, ctx) => m(obj, a, kw, ctx));
  }
  if (isMapping(obj)) {
    const m = Object.hasOwn(DICT, name) ? DICT[name] : undefined;
    return m && new PyCallable(name, (a, kw, ctx) => m(obj, a, kw, ctx));
  }
  return undefined;
}

/** Names of the methods of a type (for messages). */
export function methodNames(obj: unknown): string[] {
  if (typeof obj === 'string') return [...Object.keys(STR_METHODS), 'format'];
  if (Array.isArray(obj)) return Object.keys(LIST);
  if (isMapping(obj)) return Object.keys(DICT);
  return [typeName(obj)].slice(0, 0);
}
