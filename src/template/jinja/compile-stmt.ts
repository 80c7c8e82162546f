/**
 * Statements compiled to closures writing into an output list of native values (Ansible's
 * concat decides later whether they become one string or keep a single value's type).
 * Scoping is Jinja's: each loop iteration and macro call gets a frame; `if` does not.
 */
import type { Param, Stmt, Target } from './ast.js';
import { type Kwargs, PyCallable } from './callable.js';
import { type CompileCtx, callValue, shortName, compileExpr, compileFilter } from './compile-expr.js';
import { JinjaRuntimeError } from './errors.js';
import { LoopContext, Namespace } from './loop.js';
import { iterate, truthy } from './ops.js';
import { Frame, type Rt } from './runtime.js';
import { JinjaUndefined, tuple } from './values.js';
import { NativeText, finalize } from './output.js';
import { lineCol } from './syntax-error.js';

/** A compiled statement list. */
export type ExecFn = (rt: Rt, f: Frame, out: unknown[]) => void;

/** Extra compile-time facts for statements. */
export interface StmtCtx extends CompileCtx {
  src: string;
  /** filters whose result Ansible keeps as text (never literal_eval'd) */
  stringFilters: Set<string>;
}

/** Attach the expression and its position to a runtime error. */
export function located<T>(c: StmtCtx, pos: number, text: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw annotate(e, c, pos, text);
  }
}

function annotate(e: unknown, c: StmtCtx, pos: number, text: string): unknown {
  const { line, col } = lineCol(c.src, pos);
  if (e instanceof JinjaRuntimeError) return e.at(text, line, col);
  if (e instanceof Error && e.name === 'UndefinedError')
    return new JinjaRuntimeError(e.message, 'undefined').at(text, line, col);
  if (e instanceof RangeError)
    return new JinjaRuntimeError(`too deep or too large: ${e.message}`).at(text, line, col);
  return e;
}

/** Bind an assignment target in a frame. */
export function assign(t: Target, value: unknown, f: Frame, rt: Rt): void {
  if (t.t === 'name') f.vars.set(t.name, value);
  else if (t.t === 'nsref') {
    const ns = f.lookup(t.name, rt);
    if (!(ns instanceof Namespace))
      throw new JinjaRuntimeError('cannot assign attribute on non-namespace object');
    ns.set(t.attr, value);
  } else {
    const items = iterate(value);
    if (items.length !== t.items.length)
      throw new JinjaRuntimeError(
        items.length < t.items.length
          ? `not enough values to unpack (expected ${t.items.length}, got ${items.length})`
          : `too many values to unpack (expected ${t.items.length})`,
      );
    t.items.forEach((x, i) => assign(x, items[i], f, rt));
  }
}

function targetNames(t: Target, into: Set<string>): Set<string> {
  if (t.t === 'name') into.add(t.name);
  else if (t.t === 'tuple') t.items.forEach((x) => targetNames(x, into));
  return into;
}

function withLocals<T>(c: StmtCtx, names: Set<string>, fn: () => T): T {
  c.locals.push(names);
  try {
    return fn();
  } finally {
    c.locals.pop();
  }
}

/** Compile a statement list. */
export function compileBody(body: Stmt[], c: StmtCtx): ExecFn {
  const fns = body.map((s) => compileStmt(s, c));
  if (fns.length === 1) return fns[0];
  return (rt, f, out) => {
    for (const fn of fns) fn(rt, f, out);
  };
}

/** Render a body into text (block set, macro, call, filter block). */
export function renderBody(fn: ExecFn, rt: Rt, f: Frame): unknown {
  const out: unknown[] = [];
  fn(rt, f, out);
  return rt.concat(out);
}

function compileStmt(s: Stmt, c: StmtCtx): ExecFn {
  switch (s.t) {
    case 'data': {
      const text = s.text;
      return (_rt, _f, out) => void out.push(text);
    }
    case 'print': {
      const e = compileExpr(s.expr, c);
      const native = s.expr.t === 'filter' && c.stringFilters.has(shortName(s.expr.name));
      const { pos, src } = s;
      return (rt, f, out) => {
        const v = located(c, pos, src, () => finalize(e(rt, f)));
        out.push(native && typeof v === 'string' ? new NativeText(v) : v);
      };
    }
    case 'if': {
      const branches = s.branches.map(
        ([t, b]) => [compileExpr(t, c), compileBody(b, c), t.pos, tagAt(c.src, t.pos)] as const,
      );
      const elseFn = s.else ? compileBody(s.else, c) : undefined;
      return (rt, f, out) => {
        for (const [t, b, pos, tag] of branches) {
          if (located(c, pos, tag, () => truthy(t(rt, f)))) return b(rt, f, out);
        }
        if (elseFn) elseFn(rt, f, out);
      };
    }
    case 'for':
      return compileFor(s, c);
    case 'set': {
      const e = compileExpr(s.expr, c);
      const { target, pos, src } = s;
      for (const n of targetNames(target, new Set())) c.locals[c.locals.length - 1]?.add(n);
      return (rt, f) => located(c, pos, src, () => assign(target, e(rt, f), f, rt));
    }
    case 'setblock': {
      const body = compileBody(s.body, c);
      const filter =
        s.filter && s.filter.t === 'filter'
          ? compileFilter(s.filter, c, (rt, f) => renderBody(body, rt, f))
          : undefined;
      const { target, pos } = s;
      const tag = tagAt(c.src, pos);
      for (const n of targetNames(target, new Set())) c.locals[c.locals.length - 1]?.add(n);
      return (rt, f) =>
        located(c, pos, tag, () => assign(target, filter ? filter(rt, f) : renderBody(body, rt, f), f, rt));
    }
    case 'macro': {
      const m = compileMacro(s.name, s.params, s.body, c);
      const name = s.name;
      c.locals[c.locals.length - 1]?.add(name);
      return (rt, f) => void f.vars.set(name, m(f));
    }
    case 'callblock': {
      const caller = compileMacro('caller', s.params, s.body, c);
      const call = s.call as Extract<typeof s.call, { t: 'call' }>;
      const fn = compileExpr(call.fn, c);
      const args = call.args.map((a) => compileExpr(a, c));
      const kws = call.kwargs.map(([k, a]) => [k, compileExpr(a, c)] as const);
      const { pos } = s;
      const tag = tagAt(c.src, pos);
      return (rt, f, out) =>
        located(c, pos, tag, () => {
          const kw = Object.create(null) as Kwargs;
          for (const [k, a] of kws) kw[k] = a(rt, f);
          kw.caller = caller(f);
          out.push(
            callValue(
              fn(rt, f),
              args.map((a) => a(rt, f)),
              kw,
              rt,
            ),
          );
        });
    }
    case 'filterblock': {
      const body = compileBody(s.body, c);
      const filter = compileFilter(s.filter as Extract<typeof s.filter, { t: 'filter' }>, c, (rt, f) =>
        renderBody(body, rt, f),
      );
      const { pos } = s;
      const tag = tagAt(c.src, pos);
      return (rt, f, out) => void out.push(located(c, pos, tag, () => filter(rt, f)));
    }
    case 'with': {
      const assigns = s.assigns.map(([t, e]) => [t, compileExpr(e, c)] as const);
      const names = new Set<string>();
      for (const [t] of s.assigns) targetNames(t, names);
      const body = withLocals(c, names, () => compileBody(s.body, c));
      return (rt, f, out) => {
        const inner = new Frame(f);
        for (const [t, e] of assigns) assign(t, e(rt, f), inner, rt);
        body(rt, inner, out);
      };
    }
    case 'include': {
      const tpl = compileExpr(s.template, c);
      const { ignoreMissing, withContext, pos } = s;
      const tag = tagAt(c.src, pos);
      return (rt, f, out) =>
        located(c, pos, tag, () => {
          const name = tpl(rt, f);
          const names = Array.isArray(name) ? name : [name];
          rt.include(names.map(String), ignoreMissing, withContext ? f : null, out);
        });
    }
  }
}

/** The tag around an offset, for error messages. */
export function tagAt(src: string, pos: number): string {
  const start = src.lastIndexOf('{', pos);
  const endV = src.indexOf('}}', pos);
  const endB = src.indexOf('%}', pos);
  const ends = [endV, endB].filter((x) => x >= 0);
  const end = ends.length ? Math.min(...ends) + 2 : src.length;
  return src.slice(Math.max(0, start), end).trim().slice(0, 200) || `line ${lineCol(src, pos).line}`;
}

function compileFor(s: Extract<Stmt, { t: 'for' }>, c: StmtCtx): ExecFn {
  const iter = compileExpr(s.iter, c);
  const names = targetNames(s.target, new Set(['loop']));
  let body: ExecFn = () => undefined;
  const filter = withLocals(c, names, () => {
    body = compileBody(s.body, c);
    return s.filter ? compileExpr(s.filter, c) : undefined;
  });
  const elseFn = s.else ? compileBody(s.else, c) : undefined;
  const { target, recursive, pos, src } = s;

  const run = (rt: Rt, f: Frame, value: unknown, out: unknown[], depth: number): void => {
    let items = located(c, pos, src, () => iterate(value));
    if (filter) {
      items = items.filter((item) =>
        located(c, pos, src, () => {
          const probe = new Frame(f);
          assign(target, item, probe, rt);
          return truthy(filter(rt, probe));
        }),
      );
    }
    if (!items.length) {
      if (elseFn) elseFn(rt, new Frame(f), out);
      return;
    }
    const recurse = recursive
      ? new PyCallable('loop', (args) => {
          rt.enter();
          try {
            const o: unknown[] = [];
            run(rt, f, args[0], o, depth + 1);
            return rt.concat(o);
          } finally {
            rt.leave();
          }
        })
      : undefined;
    const loop = new LoopContext(items, depth, recurse);
    for (let i = 0; i < items.length; i++) {
      const inner = new Frame(f);
      loop.index0 = i;
      located(c, pos, src, () => assign(target, items[i], inner, rt));
      inner.vars.set('loop', loop);
      body(rt, inner, out);
    }
  };
  return (rt, f, out) =>
    run(
      rt,
      f,
      located(c, pos, src, () => iter(rt, f)),
      out,
      1,
    );
}

/** A macro: returns a factory binding the defining frame (Jinja macros see it live). */
function compileMacro(
  name: string,
  params: Param[],
  bodyStmts: Stmt[],
  c: StmtCtx,
): (def: Frame) => PyCallable {
  const names = new Set(['varargs', 'kwargs', 'caller', ...params.map((p) => p.name)]);
  const body = withLocals(c, names, () => compileBody(bodyStmts, c));
  const defaults = withLocals(c, names, () =>
    params.map((p) => (p.default ? compileExpr(p.default, c) : undefined)),
  );
  // Jinja accepts extra arguments only when the body reads varargs / kwargs
  const text = JSON.stringify(bodyStmts, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  const usesVarargs = /"name":"varargs"/.test(text);
  const usesKwargs = /"name":"kwargs"/.test(text);
  return (def) =>
    new PyCallable(name, (args, kw, ctx) => {
      const rt = ctx as Rt;
      const f = new Frame(def);
      if (args.length > params.length && !usesVarargs)
        throw new JinjaRuntimeError(`macro '${name}' takes not more than ${params.length} argument(s)`);
      const extra: Kwargs = Object.create(null) as Kwargs;
      for (const k of Object.keys(kw)) {
        if (k === 'caller') continue;
        if (!params.some((p) => p.name === k)) {
          if (!usesKwargs) throw new JinjaRuntimeError(`macro '${name}' takes no keyword argument '${k}'`);
          extra[k] = kw[k];
        }
      }
      params.forEach((p, i) => {
        let v: unknown = i < args.length ? args[i] : kw[p.name];
        if (v === undefined) {
          const d = defaults[i];
          v = d ? d(rt, f) : new JinjaUndefined(`parameter '${p.name}' was not provided`);
        }
        f.vars.set(p.name, v);
      });
      f.vars.set('varargs', tuple(args.slice(params.length)));
      f.vars.set('kwargs', rt.own(new Map(Object.entries(extra))));
      if (kw.caller !== undefined) f.vars.set('caller', kw.caller);
      rt.enter();
      try {
        return renderBody(body, rt, f);
      } finally {
        rt.leave();
      }
    });
}
