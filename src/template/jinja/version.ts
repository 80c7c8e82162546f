/**
 * The `version` / `version_compare` test: LooseVersion (default) and StrictVersion from
 * ansible.module_utils.compat.version. Comparing a number component with a letter component fails
 * as Python 3 does ("Version comparison failed").
 */
import { bindArgs, type Kwargs } from './callable.js';
import { JinjaRuntimeError } from './errors.js';
import { pyStr } from './pystr.js';

const OPS: Record<string, string> = {
  '==': 'eq',
  '=': 'eq',
  eq: 'eq',
  '<': 'lt',
  lt: 'lt',
  '<=': 'le',
  le: 'le',
  '>': 'gt',
  gt: 'gt',
  '>=': 'ge',
  ge: 'ge',
  '!=': 'ne',
  '<>': 'ne',
  ne: 'ne',
};

type Part = number | string;

function loose(v: string): Part[] {
  return v
    .split(/(\d+|[a-z]+|\.)/)
    .filter((x) => x && x !== '.')
    .map((x) => (/^\d+$/.test(x) ? Number(x) : x));
}

function strict(v: string): Part[] {
  const m = /^(\d+)\.(\d+)(\.(\d+))?([ab](\d+))?$/.exec(v);
  if (!m) throw new JinjaRuntimeError(`Version comparison failed: invalid version number '${v}'`);
  const pre: Part[] = m[5] ? [m[5][0], Number(m[6])] : ['~'];
  return [Number(m[1]), Number(m[2]), Number(m[4] ?? 0), ...pre];
}

function cmpParts(a: Part[], b: Part[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (typeof x !== typeof y)
      throw new JinjaRuntimeError(
        `Version comparison failed: '<' not supported between instances of '${typeof x === 'number' ? 'int' : 'str'}' and '${typeof y === 'number' ? 'int' : 'str'}'`,
      );
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
}

/** version_compare(value, version, operator='eq', strict=None, version_type=None) */
export function versionCompare(value: unknown, a: unknown[], kw: Kwargs): boolean {
  const [version, op, isStrict, type] = bindArgs(
    'version',
    ['version', 'operator', 'strict', 'version_type'],
    1,
    a,
    kw,
  );
  if (isStrict !== undefined && isStrict !== null && type !== undefined && type !== null)
    throw new JinjaRuntimeError("Cannot specify both 'strict' and 'version_type'");
  if (!value && value !== 0) throw new JinjaRuntimeError('Input version value cannot be empty');
  if (!version && version !== 0)
    throw new JinjaRuntimeError('Version parameter to compare against cannot be empty');
  const t = type === undefined || type === null ? (isStrict === true ? 'strict' : 'loose') : pyStr(type);
  if (t !== 'loose' && t !== 'strict')
    throw new JinjaRuntimeError(`version_type '${t}' is not supported by certfleet`);
  const o = OPS[op === undefined ? 'eq' : pyStr(op)];
  if (!o)
    throw new JinjaRuntimeError(
      `Invalid operator type (${pyStr(op)}). Must be one of '==', '=', 'eq', '<', 'lt', '<=', 'le', '>', 'gt', '>=', 'ge', '!=', '<>', 'ne'`,
    );
  const parse = t === 'strict' ? strict : loose;
  const c = cmpParts(parse(pyStr(value)), parse(pyStr(version)));
  return { eq: c === 0, ne: c !== 0, lt: c < 0, le: c <= 0, gt: c > 0, ge: c >= 0 }[o]!;
}
