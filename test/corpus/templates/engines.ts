/**
 * The engines compared on the corpus, behind one adapter: certfleet's own (src/template/jinja),
 * @huggingface/jinja, and nunjucks with installJinjaCompat and the Ansible filters its API lets
 * us add. Each adapter prepares (compiles) a case once and runs it against the case's variables.
 */
import { readFileSync } from 'node:fs';
import { Template as HfTemplate } from '@huggingface/jinja';
import nunjucks from 'nunjucks';
import {
  JinjaRuntimeError,
  JinjaSyntaxError,
  JinjaUndefined,
  Resolver,
  compileExpression,
  compileTemplate,
  createEnvironment,
  type Environment,
  isMapping,
  pyStr,
  truthy,
} from '../../../src/template/jinja/index.js';
import { dictEntries } from '../../../src/template/jinja/values.js';
import type { Case, Outcome } from './harness.js';

/** A prepared case: run it against variables. */
export type Runner = (vars: Map<string, unknown>) => Outcome;

/** An engine adapter. */
export interface Engine {
  name: string;
  /** compare text against str() of Ansible's value (engines without Ansible's value typing) */
  textOnly: boolean;
  prepare(c: Case): Runner | Outcome;
}

const fail = (e: unknown, compile = false): Outcome => ({
  ok: false,
  error: (e as Error)?.name ?? 'Error',
  message: String((e as Error)?.message ?? e).slice(0, 300),
  compile,
});

function source(c: Case): string {
  return c.source ?? readFileSync(c.path!, 'utf8');
}

/**
 * The caller's side of Ansible's lazy variables (AnsibleJ2Vars): a variable whose value holds a
 * template is templated when read, with this same engine, once per name; an undefined inside it
 * becomes an undefined value that fails only when used.
 */
export function lazyScope(raw: Map<string, unknown>, env: Environment = corpusEnv): Resolver {
  const done = new Map<string, unknown>();
  const busy = new Set<string>();
  const resolver: Resolver = new Resolver(
    (name) => {
      if (done.has(name)) return done.get(name);
      if (!raw.has(name)) return undefined;
      if (busy.has(name)) throw new JinjaRuntimeError(`recursive loop detected in template string: ${name}`);
      busy.add(name);
      try {
        const v = templateValue(raw.get(name), resolver, env);
        done.set(name, v);
        return v;
      } catch (e) {
        if (e instanceof JinjaRuntimeError && e.kind === 'undefined') return new JinjaUndefined(e.detail);
        throw e;
      } finally {
        busy.delete(name);
      }
    },
    (name) => raw.get(name),
  );
  return resolver;
}

function templateValue(v: unknown, scope: Resolver, env: Environment): unknown {
  if (typeof v === 'string')
    return /\{\{|\{%|\{#/.test(v) ? compileTemplate(v, undefined, { env }).evaluate(scope) : v;
  if (Array.isArray(v)) return v.map((x) => templateValue(x, scope, env));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, templateValue(x, scope, env)]));
  return v;
}

/**
 * The caller's hooks for the corpus: lookup('env') reads this process's environment (the oracle
 * runs as a child with the same one); other lookup plugins are excluded from the corpus.
 */
export const corpusEnv: Environment = createEnvironment({
  hooks: {
    lookup: (plugin, terms) => {
      if (plugin !== 'env')
        throw new JinjaRuntimeError(`lookup plugin '${plugin}' is not provided by the corpus`);
      return terms.map((t) => process.env[pyStr(t)] ?? '');
    },
  },
});

/** certfleet's engine. */
export const certfleet: Engine = {
  name: 'certfleet',
  textOnly: false,
  prepare(c) {
    try {
      if (c.kind === 'expr') {
        const e = compileExpression(c.source!, undefined, { env: corpusEnv });
        return (vars) => run(() => truthy(e.evaluate(lazyScope(vars))));
      }
      const t = compileTemplate(source(c), c.path ? { file: c.path } : undefined, {
        mode: c.kind === 'file' ? 'file' : 'value',
        env: corpusEnv,
      });
      return c.kind === 'file'
        ? (vars) => run(() => t.render(lazyScope(vars)))
        : (vars) => run(() => t.evaluate(lazyScope(vars)));
    } catch (e) {
      if (e instanceof JinjaSyntaxError) return fail(e, true);
      throw e;
    }
  },
};

function run(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    // a syntax error in a variable's own template (role defaults) is found when validate compiles it
    return fail(e, e instanceof JinjaSyntaxError);
  }
}

/** Plain JS data for the other engines (Maps as objects, tuples as arrays, floats as numbers). */
export function toPlain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toPlain);
  if (isMapping(v)) return Object.fromEntries(dictEntries(v).map(([k, x]) => [String(k), toPlain(x)]));
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object' && 'value' in v) return Number(v);
  return v;
}

function plainVars(vars: Map<string, unknown>): Record<string, unknown> {
  return Object.fromEntries([...vars].map(([k, v]) => [k, toPlain(v)]));
}

const asIf = (expr: string): string => `{% if ${expr} %}True{% else %}False{% endif %}`;

/** @huggingface/jinja (no API for custom filters). */
export const huggingface: Engine = {
  name: '@huggingface/jinja',
  textOnly: true,
  prepare(c) {
    let t: HfTemplate;
    try {
      t = new HfTemplate(c.kind === 'expr' ? asIf(c.source!) : source(c));
    } catch (e) {
      return fail(e, true);
    }
    return (vars) => {
      try {
        const out = t.render(plainVars(vars));
        return { ok: true, value: c.kind === 'expr' ? out === 'True' : out };
      } catch (e) {
        return fail(e);
      }
    };
  },
};

function nunjucksEnv(): nunjucks.Environment {
  nunjucks.installJinjaCompat();
  const env = new nunjucks.Environment(null, {
    autoescape: false,
    throwOnUndefined: true,
    trimBlocks: true,
    lstripBlocks: false,
  });
  const toBool = (a: unknown): unknown =>
    a === null || typeof a === 'boolean'
      ? a
      : ['yes', 'on', '1', 'true'].includes(String(a).toLowerCase()) || a === 1;
  const filters: Record<string, (...a: never[]) => unknown> = {
    bool: toBool,
    to_json: (v: unknown) => JSON.stringify(v),
    to_nice_json: (v: unknown) => JSON.stringify(v, null, 4),
    from_json: (v: string) => JSON.parse(v) as unknown,
    b64encode: (v: string) => Buffer.from(String(v)).toString('base64'),
    b64decode: (v: string) => Buffer.from(String(v), 'base64').toString('utf8'),
    basename: (v: string) => String(v).split('/').pop(),
    dirname: (v: string) => String(v).replace(/\/[^/]*$/, ''),
    quote: (v: string) => `'${String(v).replace(/'/g, `'"'"'`)}'`,
    regex_replace: (v: string, p: string, r = '') =>
      String(v).replace(new RegExp(p, 'g'), r.replace(/\\(\d)/g, '$$$1')),
    regex_search: (v: string, p: string) => new RegExp(p).exec(String(v))?.[0] ?? null,
    ternary: (v: unknown, t: unknown, f: unknown) => (v ? t : f),
    mandatory: (v: unknown) => v,
    dict2items: (d: Record<string, unknown>) => Object.entries(d).map(([key, value]) => ({ key, value })),
    items2dict: (l: { key: string; value: unknown }[]) => Object.fromEntries(l.map((x) => [x.key, x.value])),
    combine: (...ds: Record<string, unknown>[]) => Object.assign({}, ...ds) as unknown,
    flatten: (l: unknown[]) => l.flat(Infinity),
    unique: (l: unknown[]) => [...new Set(l)],
    union: (a: unknown[], b: unknown[]) => [...new Set([...a, ...b])],
    intersect: (a: unknown[], b: unknown[]) => a.filter((x) => b.includes(x)),
    difference: (a: unknown[], b: unknown[]) => a.filter((x) => !b.includes(x)),
    map: (l: unknown[], f: string) => l.map((x) => (env.getFilter(f) as (y: unknown) => unknown)(x)),
    comment: (v: string) => `#\n# ${String(v)}\n#`,
    to_yaml: (v: unknown) => JSON.stringify(v),
    to_nice_yaml: (v: unknown) => JSON.stringify(v, null, 4),
    string: (v: unknown) => String(v),
    split: (v: string, sep?: string) => String(v).split(sep ?? ' '),
    version: (v: string) => v,
  };
  for (const [k, f] of Object.entries(filters)) env.addFilter(k, f as (...a: unknown[]) => unknown);
  env.addTest('match', (v: unknown, p: string) => new RegExp(`^(?:${p})`).test(String(v)));
  env.addTest('search', (v: unknown, p: string) => new RegExp(p).test(String(v)));
  env.addTest('version', (v: unknown, w: unknown, op = '==') => {
    const c = String(v).localeCompare(String(w), undefined, { numeric: true });
    return (
      { '==': c === 0, '>=': c >= 0, '<=': c <= 0, '>': c > 0, '<': c < 0, '!=': c !== 0 }[String(op)] ??
      false
    );
  });
  return env;
}

let njEnv: nunjucks.Environment | undefined;

/** nunjucks + installJinjaCompat + Ansible filters. */
export const nunjucksEngine: Engine = {
  name: 'nunjucks',
  textOnly: true,
  prepare(c) {
    njEnv ??= nunjucksEnv();
    let t: nunjucks.Template;
    try {
      t = new nunjucks.Template(c.kind === 'expr' ? asIf(c.source!) : source(c), njEnv, c.path, true);
    } catch (e) {
      return fail(e, true);
    }
    return (vars) => {
      try {
        const out = t.render(plainVars(vars));
        return { ok: true, value: c.kind === 'expr' ? out === 'True' : out };
      } catch (e) {
        return fail(e);
      }
    };
  },
};

/** str() of an oracle value, for text-only engines. */
export const oracleText = (v: unknown): string => (typeof v === 'boolean' ? String(v) : pyStr(v));
