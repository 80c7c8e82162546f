/**
 * Render-time state: frames (Jinja's scopes: the template's top level, each loop iteration, each
 * macro call), the caller's variables read lazily and at most once per render, the environment's
 * globals, and the set of objects this render created (the only ones mutating methods touch).
 */
import type { Kwargs } from './callable.js';
import type { Environment, FilterContext } from './environment.js';
import { concatEval, concatText } from './output.js';
import { JinjaRuntimeError } from './errors.js';
import { LIMITS } from './limits.js';
import { JinjaUndefined, isMapping, undefinedName } from './values.js';

/**
 * Where the variables come from. A plain object or a Map is read by key (own keys only); a
 * Resolver is asked once per name per render — the caller's hook for lazily templated variables
 * (Ansible templates a variable's value when a template reads it). `undefined` means "no such
 * variable".
 */
export class Resolver {
  /**
   * @param get the variable's value (lazily templated by the caller); undefined = no such variable
   * @param raw the value before templating, when it differs: Ansible's single-variable shortcut
   *   (`"{{ port }}"` keeps an int) looks at the variable as written, not at its templated value
   */
  constructor(
    readonly get: (name: string) => unknown,
    readonly raw?: (name: string) => unknown,
  ) {}
}

/** The caller's variables. */
export type Scope = Record<string, unknown> | Map<string, unknown> | Resolver;

/** Read one variable from a Scope; undefined when missing. */
export function readScope(scope: Scope, name: string): unknown {
  if (scope instanceof Resolver) return scope.get(name);
  if (scope instanceof Map) return scope.get(name);
  return isMapping(scope) && Object.hasOwn(scope, name) ? scope[name] : undefined;
}

/** One Jinja scope: its own assignments, then the enclosing frame's. */
export class Frame {
  readonly vars = new Map<string, unknown>();
  constructor(readonly parent: Frame | null) {}

  lookup(name: string, rt: Rt): unknown {
    const own = this.vars.get(name);
    if (own !== undefined) return own;
    for (let f = this.parent; f; f = f.parent) {
      const v = f.vars.get(name);
      if (v !== undefined) return v;
    }
    return rt.resolve(name);
  }
}

/** A compiled body, as include runs it. */
type Body = (rt: Rt, f: Frame, out: unknown[]) => void;

/** The state of one render. */
export class Rt implements FilterContext {
  private readonly cache = new Map<string, unknown>();
  private readonly owned = new WeakSet<object>();
  depth = 0;
  outputSize = 0;

  constructor(
    readonly env: Environment,
    readonly scope: Scope,
    private readonly loadBody: (name: string) => Body | undefined = () => undefined,
    /** Templar.template() with convert_data: macro and block-set output is ansible_eval_concat'ed */
    private readonly evalMode = false,
  ) {}

  /** Call a filter by name (map('upper')). */
  filter(name: string, value: unknown, args: unknown[], kw: Kwargs): unknown {
    const f = this.env.filters.get(name.replace(/^ansible\.(builtin|legacy)\./, ''));
    if (!f) throw new JinjaRuntimeError(`No filter named '${name}'`);
    return f(value, args, kw, this);
  }

  /** Call a test by name (select('match', ...)). */
  test(name: string, value: unknown, args: unknown[], kw: Kwargs): boolean {
    const t = this.env.tests.get(name.replace(/^ansible\.(builtin|legacy)\./, ''));
    if (!t) throw new JinjaRuntimeError(`No test named '${name}'`);
    return t(value, args, kw, this);
  }

  /** Join a macro's or block's output: text, or Ansible's eval-concat value in evaluate(). */
  concat(parts: unknown[]): unknown {
    return this.evalMode ? concatEval(parts) : concatText(parts);
  }

  /** {% include %}: the first template the loader finds, rendered into `out`. */
  include(names: string[], ignoreMissing: boolean, frame: Frame | null, out: unknown[]): void {
    for (const n of names) {
      const body = this.loadBody(n);
      if (!body) continue;
      this.enter();
      try {
        body(this, new Frame(frame), out);
      } finally {
        this.leave();
      }
      return;
    }
    if (!ignoreMissing) throw new JinjaRuntimeError(`TemplateNotFound: ${names.join(', ')}`);
  }

  /** A variable from the caller's scope, then the globals; an undefined value when neither has it. */
  resolve(name: string): unknown {
    if (this.cache.has(name)) return this.cache.get(name);
    let v = readScope(this.scope, name);
    if (v === undefined) v = this.env.globals.get(name);
    if (v === undefined) v = undefinedName(name);
    this.cache.set(name, v);
    return v;
  }

  /** A caller variable as written (before lazy templating), undefined when there is none. */
  rawVariable(name: string): unknown {
    if (this.scope instanceof Resolver && this.scope.raw) return this.scope.raw(name);
    return readScope(this.scope, name);
  }

  own<T>(v: T): T {
    if (v !== null && typeof v === 'object') this.owned.add(v);
    return v;
  }
  owns(v: unknown): boolean {
    return v !== null && typeof v === 'object' && this.owned.has(v);
  }

  /** Enter a macro call / recursive loop level (bounded). */
  enter(): void {
    if (++this.depth > LIMITS.maxDepth)
      throw new JinjaRuntimeError(
        `maximum recursion depth exceeded (certfleet's limit is ${LIMITS.maxDepth} nested macro calls)`,
      );
  }
  leave(): void {
    this.depth--;
  }
}

export { JinjaUndefined };
