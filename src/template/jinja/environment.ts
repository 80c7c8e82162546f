/**
 * An environment: the filters, tests and globals templates may use (the registries are data:
 * validate lists the known names) and the caller's hooks (lookup plugins, included templates,
 * the clock). createEnvironment() starts from Ansible 2.14's set and adds or replaces names.
 */
import { PyCallable, type Kwargs, type CallContext } from './callable.js';
import { FILTERS } from './filters/index.js';
import { TESTS } from './tests.js';
import { makeGlobals } from './globals.js';
import type { Origin } from './errors.js';
import { JinjaUndefined } from './values.js';

/** The context a filter or test runs in (the render). */
export interface FilterContext extends CallContext {
  readonly env: Environment;
  /** call another filter / test by name (map('upper'), select('match', ...)) */
  filter(name: string, value: unknown, args: unknown[], kw: Kwargs): unknown;
  test(name: string, value: unknown, args: unknown[], kw: Kwargs): boolean;
}

/** A filter: value, positional and keyword arguments. */
export type FilterFn = (value: unknown, args: unknown[], kw: Kwargs, ctx: FilterContext) => unknown;
/** A test: returns a boolean. */
export type TestFn = (value: unknown, args: unknown[], kw: Kwargs, ctx: FilterContext) => boolean;

/**
 * A registry entry: the function, whether it wants undefined values as they are (default,
 * mandatory; every other filter fails on an undefined input as StrictUndefined does), and whether
 * its result is text Ansible never converts back (to_json, string...).
 */
export interface FilterSpec {
  fn: FilterFn;
  undefinedOk?: boolean;
  stringResult?: boolean;
}

/** Hooks the caller provides. */
export interface Hooks {
  /** `lookup('env', 'HOME')` / `query(...)`: the plugin's list of results (Ansible joins them for lookup) */
  lookup?: (plugin: string, terms: unknown[], kwargs: Kwargs) => unknown[];
  /** `{% include 'x.j2' %}`: the template's text and origin, or undefined when not found */
  loadTemplate?: (name: string) => { source: string; origin?: Origin } | undefined;
  /** the clock for now() (tests pin it) */
  now?: () => Date;
}

/** Options for createEnvironment. */
export interface EnvironmentOptions {
  filters?: Record<string, FilterFn | FilterSpec>;
  tests?: Record<string, TestFn>;
  globals?: Record<string, unknown>;
  hooks?: Hooks;
}

let nextId = 1;

/** A configured environment. Compiled templates belong to the environment they were compiled in. */
export class Environment {
  readonly id = nextId++;
  readonly filters = new Map<string, FilterFn>();
  readonly tests = new Map<string, TestFn>();
  readonly globals = new Map<string, unknown>();
  /** filters whose result Ansible keeps as text (STRING_TYPE_FILTERS) */
  readonly stringFilters = new Set<string>();

  constructor(readonly hooks: Hooks) {}

  /** Register a filter (replacing one of the same name). */
  addFilter(name: string, spec: FilterFn | FilterSpec): void {
    const s = typeof spec === 'function' ? { fn: spec } : spec;
    const fn = s.fn;
    this.filters.set(
      name,
      s.undefinedOk
        ? fn
        : (v, a, kw, ctx) => {
            if (v instanceof JinjaUndefined) v.fail();
            return fn(v, a, kw, ctx);
          },
    );
    if (s.stringResult) this.stringFilters.add(name);
    else this.stringFilters.delete(name);
  }

  /** Known filter names, sorted (for validate's messages). */
  filterNames(): string[] {
    return [...this.filters.keys()].sort();
  }
  /** Known test names, sorted. */
  testNames(): string[] {
    return [...this.tests.keys()].sort();
  }
}

/** Ansible 2.14's filters, tests and globals, plus the caller's additions and hooks. */
export function createEnvironment(opts: EnvironmentOptions = {}): Environment {
  const env = new Environment(opts.hooks ?? {});
  for (const [name, spec] of Object.entries(FILTERS)) env.addFilter(name, spec);
  for (const [name, fn] of Object.entries(TESTS)) env.tests.set(name, fn);
  for (const [name, v] of makeGlobals(env)) env.globals.set(name, v);
  for (const [name, spec] of Object.entries(opts.filters ?? {})) env.addFilter(name, spec);
  for (const [name, fn] of Object.entries(opts.tests ?? {})) env.tests.set(name, fn);
  for (const [name, v] of Object.entries(opts.globals ?? {}))
    env.globals.set(
      name,
      typeof v === 'function' ? new PyCallable(name, (a) => (v as (...x: unknown[]) => unknown)(...a)) : v,
    );
  return env;
}

let shared: Environment | undefined;
/** The default environment (Ansible's set, no hooks). */
export function defaultEnvironment(): Environment {
  shared ??= createEnvironment();
  return shared;
}
