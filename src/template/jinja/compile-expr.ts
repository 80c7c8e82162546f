/**
 * Expressions compiled to closures once per template text: `(rt, frame) => value`. Filters and
 * tests are looked up at compile time, so an unknown name is a syntax error with its position.
 */
import type { Args, Expr } from './ast.js';
import { getAttr, getItem, type Slice } from './attrs.js';
import { type Kwargs, PyCallable, kwargs } from './callable.js';
import type { Environment } from './environment.js';
import { JinjaRuntimeError } from './errors.js';
import { LoopContext } from './loop.js';
import { binary, compare, iterate, truthy, unary } from './ops.js';
import { pyStr } from './pystr.js';
import type { Frame, Rt } from './runtime.js';
import { SyntaxFailure } from './syntax-error.js';
import { JinjaUndefined, dictEntries, isMapping, newDict, tuple, typeName } from './values.js';

/** A compiled expression. */
export type EvalFn = (rt: Rt, f: Frame) => unknown;

/** What the compiler collects about a template (for validate-time checks). */
export interface Used {
  filters: Set<string>;
  tests: Set<string>;
  variables: Set<string>;
}

/** Compile-time context. */
export interface CompileCtx {
  env: Environment;
  used: Used;
  /** names bound by the template itself so far (set, for, macro params): not caller variables */
  locals: Set<string>[];
}

function isLocal(c: CompileCtx, name: string): boolean {
  return c.locals.some((s) => s.has(name));
}

/** Call a template-callable value. */
export function callValue(fn: unknown, args: unknown[], kw: Kwargs, rt: Rt): unknown {
  if (fn instanceof PyCallable) return fn.fn(args, kw, rt);
  if (fn instanceof LoopContext && fn.recurse) return fn.recurse.fn(args, kw, rt);
  if (fn instanceof JinjaUndefined) fn.fail();
  throw new JinjaRuntimeError(`'${typeName(fn)}' object is not callable`);
}

function compileArgs(a: Args, c: CompileCtx): (rt: Rt, f: Frame) => [unknown[], Kwargs] {
  const pos = a.args.map((x) => compileExpr(x, c));
  const kws = a.kwargs.map(([k, x]) => [k, compileExpr(x, c)] as const);
  const dyn = a.dynArgs && compileExpr(a.dynArgs, c);
  const dynKw = a.dynKwargs && compileExpr(a.dynKwargs, c);
  return (rt, f) => {
    const args = pos.map((x) => x(rt, f));
    if (dyn) args.push(...iterate(dyn(rt, f)));
    const kw = kwargs(kws.map(([k, x]) => [k, x(rt, f)]));
    if (dynKw) {
      const d = dynKw(rt, f);
      if (!isMapping(d))
        throw new JinjaRuntimeError(`argument after ** must be a mapping, not ${typeName(d)}`);
      for (const [k, v] of dictEntries(d)) kw[String(k)] = v;
    }
    return [args, kw];
  };
}

// Ansible's own plugins answer to `ansible.builtin.NAME`; Jinja's built-ins (join, map...) do not
const ANSIBLE_FILTERS = new Set(
  'b64decode b64encode to_uuid to_json to_nice_json from_json to_yaml to_nice_yaml from_yaml from_yaml_all basename dirname expanduser expandvars path_join realpath relpath splitext win_basename win_dirname win_splitdrive fileglob bool to_datetime strftime quote md5 sha1 checksum password_hash hash regex_replace regex_escape regex_search regex_findall ternary random shuffle mandatory comment type_debug combine extract flatten dict2items items2dict subelements split log pow root unique intersect difference symmetric_difference union product permutations combinations human_readable human_to_bytes rekey_on_member zip zip_longest urlsplit urldecode vault unvault'.split(
    ' ',
  ),
);
const ANSIBLE_TESTS = new Set(
  'failed failure success succeeded successful unreachable reachable changed change skipped skip started finished regex match search vault_encrypted version version_compare any all truthy falsy directory is_dir file is_file link is_link exists link_exists abs is_abs same_file is_same_file mount is_mount subset issubset superset issuperset contains nan isnan uri url urn'.split(
    ' ',
  ),
);

/** The registry name for a filter/test name as written (`ansible.builtin.x` → `x`, when Ansible owns x). */
export function shortName(name: string, kind: 'filter' | 'test' = 'filter'): string {
  const m = /^ansible\.(builtin|legacy)\.(.*)$/.exec(name);
  if (!m) return name;
  return (kind === 'filter' ? ANSIBLE_FILTERS : ANSIBLE_TESTS).has(m[2]) ? m[2] : name;
}

function unknown(kind: 'filter' | 'test', name: string, known: string[], pos: number): never {
  const near = known
    .map((k) => [k, distance(k, name)] as const)
    .filter(([, d]) => d <= Math.max(1, Math.floor(name.length / 3)))
    .sort((x, y) => x[1] - y[1])[0];
  const hint = near ? ` (did you mean '${near[0]}'?)` : '';
  throw new SyntaxFailure(`No ${kind} named '${name}'${hint}`, pos);
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length];
}

/** Compile an expression node. */
export function compileExpr(n: Expr, c: CompileCtx): EvalFn {
  switch (n.t) {
    case 'const': {
      const v = n.v;
      return () => v;
    }
    case 'name': {
      const name = n.name;
      if (!isLocal(c, name)) c.used.variables.add(name);
      return (rt, f) => f.lookup(name, rt);
    }
    case 'list': {
      const items = n.items.map((x) => compileExpr(x, c));
      return (rt, f) => rt.own(items.map((x) => x(rt, f)));
    }
    case 'tuple': {
      const items = n.items.map((x) => compileExpr(x, c));
      return (rt, f) => tuple(items.map((x) => x(rt, f)));
    }
    case 'dict': {
      const items = n.items.map(([k, v]) => [compileExpr(k, c), compileExpr(v, c)] as const);
      return (rt, f) => rt.own(newDict(items.map(([k, v]) => [k(rt, f), v(rt, f)])));
    }
    case 'getattr': {
      const obj = compileExpr(n.obj, c);
      const name = n.name;
      return (rt, f) => getAttr(obj(rt, f), name);
    }
    case 'getitem': {
      const obj = compileExpr(n.obj, c);
      const key = compileExpr(n.key, c);
      return (rt, f) => getItem(obj(rt, f), key(rt, f));
    }
    case 'slice': {
      const part = (x?: Expr): EvalFn => (x ? compileExpr(x, c) : () => null);
      const [a, b, s] = [part(n.start), part(n.stop), part(n.step)];
      return (rt, f): Slice => ({ slice: true, start: a(rt, f), stop: b(rt, f), step: s(rt, f) });
    }
    case 'call': {
      const fn = compileExpr(n.fn, c);
      const args = compileArgs(n, c);
      return (rt, f) => {
        const callee = fn(rt, f);
        const [a, kw] = args(rt, f);
        return callValue(callee, a, kw, rt);
      };
    }
    case 'filter':
      return compileFilter(n, c);
    case 'test': {
      const name = shortName(n.name, 'test');
      const def = c.env.tests.get(name);
      if (!def) unknown('test', n.name, [...c.env.tests.keys()], n.pos);
      c.used.tests.add(name);
      const node = compileExpr(n.node, c);
      const args = compileArgs(n, c);
      return (rt, f) => {
        const v = node(rt, f);
        const [a, kw] = args(rt, f);
        return def(v, a, kw, rt);
      };
    }
    case 'bin': {
      const a = compileExpr(n.a, c);
      const b = compileExpr(n.b, c);
      const op = n.op;
      return (rt, f) => binary(op, a(rt, f), b(rt, f), pyStr);
    }
    case 'and': {
      const a = compileExpr(n.a, c);
      const b = compileExpr(n.b, c);
      return (rt, f) => {
        const x = a(rt, f);
        return truthy(x) ? b(rt, f) : x;
      };
    }
    case 'or': {
      const a = compileExpr(n.a, c);
      const b = compileExpr(n.b, c);
      return (rt, f) => {
        const x = a(rt, f);
        return truthy(x) ? x : b(rt, f);
      };
    }
    case 'not': {
      const a = compileExpr(n.a, c);
      return (rt, f) => !truthy(a(rt, f));
    }
    case 'neg':
    case 'pos': {
      const a = compileExpr(n.a, c);
      const op = n.t;
      return (rt, f) => unary(op, a(rt, f));
    }
    case 'compare': {
      const first = compileExpr(n.first, c);
      const ops = n.ops.map(([op, x]) => [op, compileExpr(x, c)] as const);
      return (rt, f) => {
        let left = first(rt, f);
        for (const [op, x] of ops) {
          const right = x(rt, f);
          if (!compare(op, left, right)) return false;
          left = right;
        }
        return true;
      };
    }
    case 'cond': {
      const test = compileExpr(n.test, c);
      const a = compileExpr(n.a, c);
      const b = n.b ? compileExpr(n.b, c) : undefined;
      return (rt, f) =>
        truthy(test(rt, f))
          ? a(rt, f)
          : b
            ? b(rt, f)
            : new JinjaUndefined(
                'the inline if-expression evaluated to false and no else section was defined.',
              );
    }
  }
}

/** A filter node; `node === null` in a filter block (the block's output is the value). */
export function compileFilter(n: Expr & { t: 'filter' }, c: CompileCtx, input?: EvalFn): EvalFn {
  const name = shortName(n.name);
  const def = c.env.filters.get(name);
  if (!def) unknown('filter', n.name, [...c.env.filters.keys()], n.pos);
  c.used.filters.add(name);
  // in a filter block the chain bottoms out in `null`: the block's output feeds the innermost filter
  const node = n.node
    ? n.node.t === 'filter' && input
      ? compileFilter(n.node, c, input)
      : compileExpr(n.node, c)
    : input;
  if (!node) throw new SyntaxFailure('filter without input', n.pos);
  const args = compileArgs(n, c);
  return (rt, f) => {
    const v = node(rt, f);
    const [a, kw] = args(rt, f);
    return def(v, a, kw, rt);
  };
}
