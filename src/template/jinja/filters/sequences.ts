/**
 * Jinja's sequence filters (first, last, length, list, join, sort, dictsort, reverse, batch,
 * slice, groupby, sum, min, max, unique, map, select/reject, selectattr/rejectattr, attr, items)
 * with Jinja's defaults: sort/min/max/unique compare strings case-insensitively unless told.
 */
import { getAttr, getItem } from '../attrs.js';
import { bindArgs, type Kwargs } from '../callable.js';
import type { FilterContext, FilterSpec } from '../environment.js';
import { JinjaRuntimeError } from '../errors.js';
import { binary, iterate, pyCmp, pyEq, truthy } from '../ops.js';
import { pyStr } from '../pystr.js';
import {
  JinjaUndefined,
  dictEntries,
  dictSize,
  isMapping,
  isTuple,
  namedTuple,
  toNum,
  tuple,
} from '../values.js';

const s = pyStr;

/** Jinja's make_attrgetter: `a.b.0` walks items; missing → `dflt` or undefined. */
export function attrGetter(attribute: unknown, dflt?: unknown, lower = false): (v: unknown) => unknown {
  const parts =
    attribute === undefined || attribute === null
      ? []
      : typeof attribute === 'string'
        ? attribute.split('.')
        : [attribute];
  return (item) => {
    let v = item;
    for (const p of parts) v = getItem(v, typeof p === 'string' && /^\d+$/.test(p) ? Number(p) : p);
    if (v instanceof JinjaUndefined && dflt !== undefined) v = dflt;
    return lower && typeof v === 'string' ? v.toLowerCase() : v;
  };
}

function items(v: unknown): unknown[] {
  return iterate(v);
}

function sortKey(caseSensitive: unknown, attribute: unknown): (v: unknown) => unknown {
  return attrGetter(attribute, undefined, caseSensitive !== true);
}

/** Python's hash-based dedupe where values are hashable; equality otherwise. */
function uniq(list: unknown[], key: (v: unknown) => unknown): unknown[] {
  const out: unknown[] = [];
  const keys: unknown[] = [];
  for (const x of list) {
    const k = key(x);
    if (!keys.some((y) => pyEq(y, k))) {
      keys.push(k);
      out.push(x);
    }
  }
  return out;
}

function hashable(v: unknown): boolean {
  if (Array.isArray(v)) return isTuple(v) && v.every(hashable);
  return !isMapping(v);
}

/** Ansible's unique: Jinja's (case-insensitive by default), or equality-based for unhashable items. */
export function ansibleUnique(list: unknown[], caseSensitive: unknown, attribute: unknown): unknown[] {
  if (list.every((x) => hashable(attrGetter(attribute)(x))))
    return uniq(list, sortKey(caseSensitive === true, attribute));
  if (caseSensitive === false || attribute)
    throw new JinjaRuntimeError(
      "Jinja2's unique filter failed and we cannot fall back to Ansible's version as it does not support the parameters supplied",
    );
  return uniq(list, (x) => x);
}

function minmax(v: unknown, a: unknown[], kw: Kwargs, sign: number): unknown {
  const [cs, attribute] = bindArgs(sign < 0 ? 'min' : 'max', ['case_sensitive', 'attribute'], 0, a, kw);
  const list = items(v);
  if (!list.length) return new JinjaUndefined('No aggregated item, sequence was empty.');
  const key = sortKey(cs, attribute);
  let best = list[0];
  for (const x of list.slice(1)) if (pyCmp(key(x), key(best)) * sign > 0) best = x;
  return best;
}

function callPred(ctx: FilterContext, a: unknown[], kw: Kwargs): (v: unknown) => boolean {
  if (!a.length) return truthy;
  const [name, ...rest] = a;
  return (v) => ctx.test(s(name), v, rest, kw);
}

function selectLike(
  v: unknown,
  a: unknown[],
  kw: Kwargs,
  ctx: FilterContext,
  keep: boolean,
  attr: boolean,
): unknown[] {
  const list = items(v);
  if (attr) {
    if (!a.length) throw new JinjaRuntimeError('Missing parameter for attribute name');
    const get = attrGetter(a[0]);
    const pred = callPred(ctx, a.slice(1), kw);
    return list.filter((x) => pred(get(x)) === keep);
  }
  const pred = callPred(ctx, a, kw);
  return list.filter((x) => pred(x) === keep);
}

function doMap(v: unknown, a: unknown[], kw: Kwargs, ctx: FilterContext): unknown[] {
  const list = items(v);
  if (!a.length && 'attribute' in kw) {
    const get = attrGetter(kw.attribute, kw.default);
    return list.map(get);
  }
  if (!a.length) throw new JinjaRuntimeError('map requires a filter argument');
  const [name, ...rest] = a;
  return list.map((x) => ctx.filter(s(name), x, rest, kw));
}

function groupby(v: unknown, a: unknown[], kw: Kwargs): unknown[] {
  const [attribute, dflt, cs] = bindArgs('groupby', ['attribute', 'default', 'case_sensitive'], 1, a, kw);
  const key = attrGetter(attribute, dflt ?? undefined, cs !== true);
  const raw = attrGetter(attribute, dflt ?? undefined);
  const list = [...items(v)].sort((x, y) => pyCmp(key(x), key(y)));
  const groups: unknown[] = [];
  let cur: unknown[] | undefined;
  let curKey: unknown;
  for (const x of list) {
    const k = key(x);
    if (!cur || !pyEq(k, curKey)) {
      cur = [];
      curKey = k;
      groups.push(namedTuple('_GroupTuple', ['grouper', 'list'], [cs === true ? k : raw(x), cur]));
    }
    cur.push(x);
  }
  return groups;
}

function sortFilter(v: unknown, a: unknown[], kw: Kwargs): unknown[] {
  const [reverse, cs, attribute] = bindArgs('sort', ['reverse', 'case_sensitive', 'attribute'], 0, a, kw);
  const attrs = typeof attribute === 'string' ? attribute.split(',').map((x) => x.trim()) : [attribute];
  const keys = attrs.map((x) => sortKey(cs, x));
  // Python's sorted(reverse=True) keeps equal items in their original order: negate, don't reverse
  const sign = truthy(reverse ?? false) ? -1 : 1;
  return [...items(v)].sort((x, y) => {
    for (const k of keys) {
      const c = pyCmp(k(x), k(y));
      if (c) return c * sign;
    }
    return 0;
  });
}

function dictsort(v: unknown, a: unknown[], kw: Kwargs): unknown[] {
  const [cs, by, reverse] = bindArgs('dictsort', ['case_sensitive', 'by', 'reverse'], 0, a, kw);
  if (!isMapping(v)) throw new JinjaRuntimeError('dictsort requires a mapping');
  const pos = by === 'value' ? 1 : by === undefined || by === 'key' ? 0 : -1;
  if (pos < 0) throw new JinjaRuntimeError('You can only sort by either "key" or "value"');
  const key = (x: unknown): unknown => (cs !== true && typeof x === 'string' ? x.toLowerCase() : x);
  const sign = truthy(reverse ?? false) ? -1 : 1;
  const out = dictEntries(v).sort((x, y) => sign * pyCmp(key(pos ? x[1] : x[0]), key(pos ? y[1] : y[0])));
  return out.map((e) => tuple(e));
}

function batch(v: unknown, a: unknown[], kw: Kwargs): unknown[] {
  const [count, fill] = bindArgs('batch', ['linecount', 'fill_with'], 1, a, kw);
  const n = toNum(count);
  const list = items(v);
  const out: unknown[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  const last = out[out.length - 1];
  if (fill !== undefined && fill !== null && last) while (last.length < n) last.push(fill);
  return out;
}

function sliceFilter(v: unknown, a: unknown[], kw: Kwargs): unknown[] {
  const [slices, fill] = bindArgs('slice', ['slices', 'fill_with'], 1, a, kw);
  const seq = items(v);
  const n = toNum(slices);
  const per = Math.floor(seq.length / n);
  const extra = seq.length % n;
  const out: unknown[][] = [];
  let offset = 0;
  for (let i = 0; i < n; i++) {
    const start = offset + i * per;
    if (i < extra) offset++;
    const end = offset + (i + 1) * per;
    const part = seq.slice(start, end);
    if (fill !== undefined && fill !== null && i >= extra) part.push(fill);
    out.push(part);
  }
  return out;
}

/** Sequence filters by name. */
export const SEQUENCE_FILTERS: Record<string, FilterSpec> = {
  first: {
    fn: (v) => {
      const l = items(v);
      return l.length ? l[0] : new JinjaUndefined('No first item, sequence was empty.');
    },
  },
  last: {
    fn: (v) => {
      const l = isMapping(v) ? items(v) : Array.isArray(v) || typeof v === 'string' ? items(v) : null;
      if (!l) throw new JinjaRuntimeError(`'${typeof v}' object is not reversible`);
      return l.length ? l[l.length - 1] : new JinjaUndefined('No last item, sequence was empty.');
    },
  },
  length: { fn: (v) => pyLen(v) },
  count: { fn: (v) => pyLen(v) },
  list: { fn: (v, _a, _k, ctx) => ctx.own([...items(v)]) },
  join: {
    fn: (v, a, kw) => {
      const [d, attribute] = bindArgs('join', ['d', 'attribute'], 0, a, kw);
      const get = attrGetter(attribute);
      return items(v)
        .map((x) => s(get(x)))
        .join(d === undefined ? '' : s(d));
    },
  },
  sort: { fn: sortFilter },
  dictsort: { fn: dictsort },
  reverse: {
    fn: (v) => {
      if (typeof v === 'string') return Array.from(v).reverse().join('');
      return [...items(v)].reverse();
    },
  },
  batch: { fn: batch },
  slice: { fn: sliceFilter },
  groupby: { fn: groupby },
  sum: {
    fn: (v, a, kw) => {
      const [attribute, start] = bindArgs('sum', ['attribute', 'start'], 0, a, kw);
      const get = attrGetter(attribute);
      return items(v).reduce((acc: unknown, x) => binary('+', acc, get(x), s), start ?? 0);
    },
  },
  min: { fn: (v, a, kw) => minmax(v, a, kw, -1) },
  max: { fn: (v, a, kw) => minmax(v, a, kw, 1) },
  unique: {
    fn: (v, a, kw) => {
      const [cs, attribute] = bindArgs('unique', ['case_sensitive', 'attribute'], 0, a, kw);
      return ansibleUnique(items(v), cs, attribute);
    },
  },
  map: { fn: doMap },
  select: { fn: (v, a, kw, ctx) => selectLike(v, a, kw, ctx, true, false) },
  reject: { fn: (v, a, kw, ctx) => selectLike(v, a, kw, ctx, false, false) },
  selectattr: { fn: (v, a, kw, ctx) => selectLike(v, a, kw, ctx, true, true) },
  rejectattr: { fn: (v, a, kw, ctx) => selectLike(v, a, kw, ctx, false, true) },
  attr: {
    fn: (v, a) => {
      const name = s(a[0]);
      if (isMapping(v)) {
        const m = getAttr(new Map(), name);
        return m instanceof JinjaUndefined
          ? new JinjaUndefined(`'dict object' has no attribute '${name}'`)
          : getAttr(v, name);
      }
      return getAttr(v, name);
    },
  },
  items: {
    undefinedOk: true,
    fn: (v) => {
      if (v instanceof JinjaUndefined) return [];
      if (!isMapping(v)) throw new JinjaRuntimeError(`Can only get item pairs from a mapping.`);
      return dictEntries(v).map((e) => tuple(e));
    },
  },
};

/** Python's len(). */
export function pyLen(v: unknown): number {
  if (typeof v === 'string') return Array.from(v).length;
  if (Array.isArray(v)) return v.length;
  if (isMapping(v)) return dictSize(v);
  throw new JinjaRuntimeError(
    `object of type '${v === null ? 'NoneType' : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : 'object'}' has no len()`,
  );
}
