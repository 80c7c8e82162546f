/**
 * Ansible's collection filters: combine (recursive, list_merge), dict2items/items2dict, flatten,
 * subelements, extract, zip/zip_longest, product/permutations/combinations, and the set-theory
 * filters (union, intersect, difference, symmetric_difference) on lists.
 */
import { getItem } from '../attrs.js';
import { bindArgs, type Kwargs } from '../callable.js';
import type { FilterSpec } from '../environment.js';
import { JinjaRuntimeError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { contains, iterate, pyEq } from '../ops.js';
import { pyRepr, pyStr } from '../pystr.js';
import {
  JinjaUndefined,
  dictEntries,
  dictGet,
  dictHas,
  isMapping,
  isTuple,
  newDict,
  toNum,
  tuple,
  type PyDict,
} from '../values.js';
import { ansibleUnique } from './sequences.js';

function mergeHash(x: PyDict, y: PyDict, recursive: boolean, listMerge: string): Map<unknown, unknown> {
  const out = newDict(dictEntries(x));
  for (const [k, yv] of dictEntries(y)) {
    if (!out.has(k) && !dictHas(out, k)) {
      out.set(k, yv);
      continue;
    }
    const xv = dictGet(out, k);
    if (isMapping(xv) && isMapping(yv)) out.set(k, recursive ? mergeHash(xv, yv, recursive, listMerge) : yv);
    else if (Array.isArray(xv) && Array.isArray(yv) && !isTuple(xv) && !isTuple(yv)) {
      const xl = xv as unknown[];
      const yl = yv as unknown[];
      const notIn = (a: unknown[], b: unknown[]): unknown[] => a.filter((z) => !b.some((w) => pyEq(z, w)));
      const lists: Record<string, () => unknown[]> = {
        replace: () => yl,
        keep: () => xl,
        append: () => [...xl, ...yl],
        prepend: () => [...yl, ...xl],
        append_rp: () => [...notIn(xl, yl), ...yl],
        prepend_rp: () => [...yl, ...notIn(xl, yl)],
      };
      out.set(k, lists[listMerge]());
    } else out.set(k, yv);
  }
  return out;
}

function flatten(list: unknown[], levels: number | undefined, skipNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const e of list) {
    if (skipNulls && (e === null || e === 'None' || e === 'null')) continue;
    if (Array.isArray(e)) {
      if (levels === undefined) out.push(...flatten(e, undefined, skipNulls));
      else if (levels >= 1) out.push(...flatten(e, levels - 1, skipNulls));
      else out.push(e);
    } else out.push(e);
  }
  return out;
}

function listOf(v: unknown, name: string): unknown[] {
  if (!Array.isArray(v)) {
    if (typeof v === 'string')
      throw new JinjaRuntimeError(
        `${name} of strings gives a Python set, which certfleet does not represent`,
      );
    return iterate(v);
  }
  if (isTuple(v))
    throw new JinjaRuntimeError(`${name} of tuples gives a Python set, which certfleet does not represent`);
  return v;
}

function product(lists: unknown[][]): unknown[] {
  let out: unknown[][] = [[]];
  for (const l of lists) {
    const next: unknown[][] = [];
    for (const prefix of out) for (const x of l) next.push([...prefix, x]);
    if (next.length > LIMITS.maxSequence) throw new JinjaRuntimeError('product too large');
    out = next;
  }
  return out.map((x) => tuple(x));
}

function permutations(pool: unknown[], r: number): unknown[] {
  const out: unknown[] = [];
  const rec = (prefix: number[]): void => {
    if (out.length > LIMITS.maxRange) throw new JinjaRuntimeError('permutations too large');
    if (prefix.length === r) return void out.push(tuple(prefix.map((i) => pool[i])));
    for (let i = 0; i < pool.length; i++) if (!prefix.includes(i)) rec([...prefix, i]);
  };
  if (r <= pool.length) rec([]);
  return out;
}

function combinations(pool: unknown[], r: number): unknown[] {
  const out: unknown[] = [];
  const rec = (start: number, prefix: unknown[]): void => {
    if (out.length > LIMITS.maxRange) throw new JinjaRuntimeError('combinations too large');
    if (prefix.length === r) return void out.push(tuple(prefix));
    for (let i = start; i < pool.length; i++) rec(i + 1, [...prefix, pool[i]]);
  };
  rec(0, []);
  return out;
}

function zipLists(v: unknown, a: unknown[], longest: boolean, fill: unknown): unknown[] {
  const lists = [v, ...a].map(iterate);
  const n = lists.length
    ? longest
      ? Math.max(...lists.map((l) => l.length))
      : Math.min(...lists.map((l) => l.length))
    : 0;
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(tuple(lists.map((l) => (i < l.length ? l[i] : fill))));
  return out;
}

const kwOnly = (kw: Kwargs, allowed: string[]): void => {
  for (const k of Object.keys(kw))
    if (!allowed.includes(k))
      throw new JinjaRuntimeError(`'${allowed.join("' and '")}' are the only valid keyword arguments`);
};

/** Collection filters by name. */
export const COLLECTION_FILTERS: Record<string, FilterSpec> = {
  combine: {
    fn: (v, a, kw) => {
      kwOnly(kw, ['recursive', 'list_merge']);
      const listMerge = kw.list_merge === undefined ? 'replace' : pyStr(kw.list_merge);
      if (!['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'].includes(listMerge))
        throw new JinjaRuntimeError(
          "merge_hash: 'list_merge' argument can only be equal to 'replace', 'keep', 'append', 'prepend', 'append_rp' or 'prepend_rp'",
        );
      const dicts = flatten([v, ...a], 1, false);
      for (const d of dicts) {
        if (d instanceof JinjaUndefined) d.fail();
        if (!isMapping(d))
          throw new JinjaRuntimeError(
            `failed to combine variables, expected dicts but got a '${typeof d === 'string' ? 'str' : Array.isArray(d) ? 'list' : 'value'}'`,
          );
      }
      if (dicts.length === 1) return dicts[0];
      let result = dicts[dicts.length - 1] as PyDict;
      for (let i = dicts.length - 2; i >= 0; i--)
        result = mergeHash(dicts[i] as PyDict, result, kw.recursive === true, listMerge);
      return result;
    },
  },
  dict2items: {
    fn: (v, a, kw) => {
      const [kn, vn] = bindArgs('dict2items', ['key_name', 'value_name'], 0, a, kw);
      if (!isMapping(v))
        throw new JinjaRuntimeError(`dict2items requires a dictionary, got ${pyRepr(v)} instead.`);
      return dictEntries(v).map(([k, x]) =>
        newDict([
          [kn ?? 'key', k],
          [vn ?? 'value', x],
        ]),
      );
    },
  },
  items2dict: {
    fn: (v, a, kw) => {
      const [kn, vn] = bindArgs('items2dict', ['key_name', 'value_name'], 0, a, kw);
      if (!Array.isArray(v))
        throw new JinjaRuntimeError(`items2dict requires a list, got ${pyRepr(v)} instead.`);
      const k = kn ?? 'key';
      const n = vn ?? 'value';
      return newDict(
        v.map((item) => {
          if (!isMapping(item))
            throw new JinjaRuntimeError(
              `items2dict requires a list of dictionaries, got ${pyRepr(v)} instead.`,
            );
          if (!dictHas(item, k) || !dictHas(item, n))
            throw new JinjaRuntimeError(
              `items2dict requires each dictionary in the list to contain the keys '${pyStr(k)}' and '${pyStr(n)}', got ${pyRepr(v)} instead.`,
            );
          return [dictGet(item, k), dictGet(item, n)];
        }),
      );
    },
  },
  flatten: {
    fn: (v, a, kw) => {
      const [levels, skip] = bindArgs('flatten', ['levels', 'skip_nulls'], 0, a, kw);
      return flatten(
        iterate(v),
        levels === undefined || levels === null ? undefined : toNum(levels),
        skip !== false,
      );
    },
  },
  subelements: {
    fn: (v, a, kw) => {
      const [path, skipMissing] = bindArgs('subelements', ['subelements', 'skip_missing'], 1, a, kw);
      const elements = isMapping(v) ? dictEntries(v).map(([, x]) => x) : Array.isArray(v) ? v : null;
      if (!elements) throw new JinjaRuntimeError('obj must be a list of dicts or a nested dict');
      const keys = Array.isArray(path) ? path : pyStr(path).split('.');
      const out: unknown[] = [];
      for (const el of elements) {
        let values: unknown = el;
        for (const k of keys) {
          if (!isMapping(values))
            throw new JinjaRuntimeError(
              `the key ${pyStr(k)} should point to a dictionary, got '${pyStr(values)}'`,
            );
          if (!dictHas(values, k)) {
            if (skipMissing === true) {
              values = [];
              break;
            }
            throw new JinjaRuntimeError(`could not find ${pyRepr(k)} key in iterated item ${pyRepr(values)}`);
          }
          values = dictGet(values, k);
        }
        if (!Array.isArray(values) || isTuple(values))
          throw new JinjaRuntimeError(
            `the key ${pyRepr(keys[keys.length - 1])} should point to a list, got ${pyRepr(values)}`,
          );
        for (const x of values) out.push(tuple([el, x]));
      }
      return out;
    },
  },
  extract: {
    fn: (v, a, kw) => {
      const [container, morekeys] = bindArgs('extract', ['container', 'morekeys'], 1, a, kw);
      let value = getItem(container, v);
      const keys =
        morekeys === undefined || morekeys === null ? [] : Array.isArray(morekeys) ? morekeys : [morekeys];
      for (const k of keys) value = getItem(value, k);
      return value;
    },
  },
  zip: { fn: (v, a) => zipLists(v, a, false, null) },
  zip_longest: { fn: (v, a, kw) => zipLists(v, a, true, kw.fillvalue ?? null) },
  product: {
    fn: (v, a, kw) => {
      const rep = kw.repeat === undefined ? 1 : toNum(kw.repeat);
      const lists = [v, ...a].map(iterate);
      const all: unknown[][] = [];
      for (let i = 0; i < rep; i++) all.push(...lists);
      return product(all);
    },
  },
  permutations: {
    fn: (v, a) => {
      const pool = iterate(v);
      return permutations(pool, a.length && a[0] !== null ? toNum(a[0]) : pool.length);
    },
  },
  combinations: { fn: (v, a) => combinations(iterate(v), toNum(a[0])) },
  union: { fn: (v, a) => ansibleUnique([...listOf(v, 'union'), ...listOf(a[0], 'union')], true, undefined) },
  intersect: {
    fn: (v, a) => {
      const b = listOf(a[0], 'intersect');
      return ansibleUnique(
        listOf(v, 'intersect').filter((x) => contains(b, x)),
        true,
        undefined,
      );
    },
  },
  difference: {
    fn: (v, a) => {
      const b = listOf(a[0], 'difference');
      return ansibleUnique(
        listOf(v, 'difference').filter((x) => !contains(b, x)),
        true,
        undefined,
      );
    },
  },
  symmetric_difference: {
    fn: (v, a) => {
      const x = listOf(v, 'symmetric_difference');
      const y = listOf(a[0], 'symmetric_difference');
      const isect = ansibleUnique(
        x.filter((z) => contains(y, z)),
        true,
        undefined,
      );
      return ansibleUnique([...x, ...y], true, undefined).filter((z) => !contains(isect, z));
    },
  },
};
