/**
 * Tests (`x is defined`, `is match(...)`, `is version('2.0', '>=')`...): Jinja's and Ansible's
 * core and mathstuff tests. Type tests answer False for an undefined value (isinstance), the
 * others fail on it as Ansible does.
 */
import { bindArgs } from './callable.js';
import type { TestFn } from './environment.js';
import { JinjaRuntimeError } from './errors.js';
import { compare, contains, iterate, pyEq, truthy } from './ops.js';
import { pyRegex } from './pyregex.js';
import { pyStr } from './pystr.js';
import { PyCallable } from './callable.js';
import { JinjaUndefined, dictGet, dictHas, isFloat, isInt, isMapping, toNum } from './values.js';
import { versionCompare } from './version.js';
import { STR_METHODS } from './methods-str.js';

const def = (v: unknown): unknown => (v instanceof JinjaUndefined ? v.fail() : v);

function result(v: unknown, name: string, key: string): boolean {
  def(v);
  if (!isMapping(v)) throw new JinjaRuntimeError(`The '${name}' test expects a dictionary`);
  return truthy(dictHas(v, key) ? dictGet(v, key) : false);
}

function changed(v: unknown): boolean {
  def(v);
  if (!isMapping(v)) throw new JinjaRuntimeError("The 'changed' test expects a dictionary");
  if (dictHas(v, 'changed')) return truthy(dictGet(v, 'changed'));
  const rs = dictGet(v, 'results');
  if (Array.isArray(rs) && isMapping(rs[0]))
    return rs.some((r) => isMapping(r) && truthy(dictGet(r, 'changed') ?? false));
  return false;
}

function regexTest(kind: 'match' | 'search' | 'fullmatch'): TestFn {
  return (v, a, kw) => {
    const [pattern, ic, ml, mt] = bindArgs(
      kind,
      ['pattern', 'ignorecase', 'multiline', 'match_type'],
      0,
      a,
      kw,
    );
    const text = pyStr(def(v));
    const type = mt === undefined ? kind : pyStr(mt);
    const flags = (truthy(ic ?? false) ? 'i' : '') + (truthy(ml ?? false) ? 'm' : '');
    const src = pyStr(pattern ?? '');
    if (type === 'match') return pyRegex(`(?:${src})`, text, `${flags}y`).test(text);
    if (type === 'fullmatch') return pyRegex(`(?:${src})(?![\\s\\S])`, text, `${flags}y`).test(text);
    return pyRegex(src, text, flags).test(text);
  };
}

const isStr = (v: unknown): boolean => typeof v === 'string';
const isSeq = (v: unknown): boolean => typeof v === 'string' || Array.isArray(v) || isMapping(v);

function subset(a: unknown, b: unknown): boolean {
  const x = iterate(def(a));
  const y = iterate(def(b));
  return x.every((e) => y.some((f) => pyEq(e, f)));
}

const cmp =
  (op: string): TestFn =>
  (v, a) =>
    compare(op, v, a[0]);

/** All built-in tests. */
export const TESTS: Record<string, TestFn> = {
  defined: (v) => !(v instanceof JinjaUndefined),
  undefined: (v) => v instanceof JinjaUndefined,
  none: (v) => v === null,
  true: (v) => v === true,
  false: (v) => v === false,
  boolean: (v) => typeof v === 'boolean',
  string: isStr,
  number: (v) => typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || isFloat(v),
  integer: (v) => isInt(v),
  float: (v) => isFloat(v),
  mapping: (v) => isMapping(v),
  sequence: isSeq,
  iterable: isSeq,
  callable: (v) => v instanceof PyCallable,
  lower: (v) => STR_METHODS.islower(pyStr(def(v)), [], {}) === true,
  upper: (v) => STR_METHODS.isupper(pyStr(def(v)), [], {}) === true,
  odd: (v) => Math.abs(toNum(def(v))) % 2 === 1,
  even: (v) => toNum(def(v)) % 2 === 0,
  divisibleby: (v, a) => toNum(def(v)) % toNum(a[0]) === 0,
  eq: cmp('=='),
  equalto: cmp('=='),
  '==': cmp('=='),
  ne: cmp('!='),
  '!=': cmp('!='),
  lt: cmp('<'),
  lessthan: cmp('<'),
  '<': cmp('<'),
  le: cmp('<='),
  '<=': cmp('<='),
  gt: cmp('>'),
  greaterthan: cmp('>'),
  '>': cmp('>'),
  ge: cmp('>='),
  '>=': cmp('>='),
  in: (v, a) => contains(a[0], v),
  sameas: (v, a) => v === a[0] || (v === null && a[0] === null),
  escaped: () => false,
  filter: (v, _a, _k, ctx) => ctx.env.filters.has(pyStr(v)),
  test: (v, _a, _k, ctx) => ctx.env.tests.has(pyStr(v)),
  match: regexTest('match'),
  search: regexTest('search'),
  regex: (v, a, kw, ctx) => {
    const mt = kw.match_type ?? a[3] ?? 'search';
    return regexTest(pyStr(mt) as 'search')(v, a.slice(0, 3), { ...kw, match_type: mt }, ctx);
  },
  version: (v, a, kw) => versionCompare(def(v), a, kw),
  version_compare: (v, a, kw) => versionCompare(def(v), a, kw),
  truthy: (v, a, kw) => truthy(convertBool(def(v), bindArgs('truthy', ['convert_bool'], 0, a, kw)[0])),
  falsy: (v, a, kw) => !truthy(convertBool(def(v), bindArgs('falsy', ['convert_bool'], 0, a, kw)[0])),
  failed: (v) => result(v, 'failed', 'failed'),
  failure: (v) => result(v, 'failed', 'failed'),
  succeeded: (v) => !result(v, 'failed', 'failed'),
  success: (v) => !result(v, 'failed', 'failed'),
  successful: (v) => !result(v, 'failed', 'failed'),
  changed: (v) => changed(v),
  change: (v) => changed(v),
  skipped: (v) => result(v, 'skipped', 'skipped'),
  skip: (v) => result(v, 'skipped', 'skipped'),
  unreachable: (v) => result(v, 'unreachable', 'unreachable'),
  reachable: (v) => !result(v, 'unreachable', 'unreachable'),
  subset: (v, a) => subset(v, a[0]),
  issubset: (v, a) => subset(v, a[0]),
  superset: (v, a) => subset(a[0], v),
  issuperset: (v, a) => subset(a[0], v),
  contains: (v, a) => contains(def(v), a[0]),
  any: (v) => iterate(def(v)).some(truthy),
  all: (v) => iterate(def(v)).every(truthy),
  nan: (v) => Number.isNaN(toNum(def(v))),
  isnan: (v) => Number.isNaN(toNum(def(v))),
  abs: (v) => pyStr(def(v)).startsWith('/'),
  is_abs: (v) => pyStr(def(v)).startsWith('/'),
};

const BOOL_TRUE = ['y', 'yes', 'on', '1', 'true', 't'];
const BOOL_FALSE = ['n', 'no', 'off', '0', 'false', 'f'];

/** ansible.module_utils.parsing.convert_bool.boolean (used by truthy(convert_bool=True)). */
function convertBool(v: unknown, on: unknown): unknown {
  if (on !== true) return v;
  if (typeof v === 'boolean') return v;
  const s =
    typeof v === 'string'
      ? v.toLowerCase().trim()
      : isInt(v)
        ? String(v)
        : isFloat(v)
          ? String(toNum(v))
          : undefined;
  if (s === undefined) return v;
  if (BOOL_TRUE.includes(s) || s === '1.0') return true;
  if (BOOL_FALSE.includes(s) || s === '0.0') return false;
  return v;
}
