/**
 * `{{ var }}` rendering with handlebars: no HTML escaping, strict (an undefined variable is an
 * error naming it). An argument that is exactly one `{{ path }}` keeps the variable's type (a list
 * for `loop`, a number for `port`), as Ansible does. Jinja filters are not handlebars syntax; the
 * common ones (FILTERS) work both ways: `{{ x | default('y') | upper }}` (evaluated by certfleet,
 * one filter chain per `{{ }}`) and as handlebars helpers `{{default x "y"}}`.
 */
import { createRequire } from 'node:module';
import type * as HandlebarsNs from 'handlebars';
import { CertfleetError, ExitCode } from '../errors.js';

/** An undefined variable or a template that cannot be rendered: bad input (exit 4) at the task. */
export class TemplateError extends CertfleetError {
  constructor(message: string) {
    super('E_TEMPLATE', ExitCode.BAD_INPUT, message);
  }
}

// handlebars is CommonJS with `export =`: load it through require so NodeNext typing stays exact
const hb = (createRequire(import.meta.url)('handlebars') as typeof HandlebarsNs).create();
/** Jinja filters available as `{{ x | name(args) }}` and as handlebars helpers `{{name x args}}`. */
export const FILTERS: Record<string, (v: unknown, ...args: unknown[]) => unknown> = {
  default: (v, d = '') => (v === undefined || v === null ? d : v),
  d: (v, d = '') => (v === undefined || v === null ? d : v),
  lower: (v) => String(v).toLowerCase(),
  upper: (v) => String(v).toUpperCase(),
  trim: (v) => String(v).trim(),
  string: (v) => (typeof v === 'string' ? v : JSON.stringify(v)),
  int: (v) => parseInt(String(v), 10) || 0,
  bool: (v) => (typeof v === 'string' ? ['yes', 'true', 'on', '1'].includes(v.toLowerCase()) : Boolean(v)),
  length: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : Object.keys(v ?? {}).length),
  join: (v, sep = '') => (Array.isArray(v) ? v.join(String(sep)) : String(v)),
  to_json: (v) => JSON.stringify(v),
  basename: (v) => String(v).split('/').pop() ?? '',
  dirname: (v) => String(v).split('/').slice(0, -1).join('/'),
};
for (const [name, fn] of Object.entries(FILTERS)) {
  // handlebars passes its options hash last: drop it
  hb.registerHelper(name, (...a: unknown[]) => fn(...(a.slice(0, -1) as [unknown, ...unknown[]])));
}

const MUSTACHE = /\{\{(?!\{)([^}]*?)\}\}/g;
const FILTER = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*$/;

/** Parse a filter's argument list: Jinja literals ('s', "s", 1, true, [], {}) or variable paths. */
function filterArgs(text: string | undefined): string[] {
  if (!text?.trim()) return [];
  return text.match(/'[^']*'|"[^"]*"|\[[^\]]*\]|\{[^}]*\}|[^,\s][^,]*/g)?.map((a) => a.trim()) ?? [];
}

function literal(arg: string, vars: Record<string, unknown>): unknown {
  if (/^'.*'$/.test(arg)) return arg.slice(1, -1);
  if (/^(true|True)$/.test(arg)) return true;
  if (/^(false|False)$/.test(arg)) return false;
  try {
    return JSON.parse(arg.replace(/'/g, '"'));
  } catch {
    const r = lookupPath(vars, arg);
    if (!r.found) throw new TemplateError(`undefined variable "${arg}"`);
    return r.value;
  }
}

/** Split `x | f(a) | g` into the base path and the filters; undefined when there is no filter. */
function splitFilters(
  expr: string,
): { base: string; filters: { name: string; args: string[] }[] } | undefined {
  if (/^\s*[#/^!>&]/.test(expr) || !/\|(?!\|)/.test(expr)) return undefined;
  const [base, ...rest] = expr.split('|');
  const filters = rest.map((f) => {
    const m = FILTER.exec(f);
    if (!m || !FILTERS[m[1]])
      throw new TemplateError(`unknown filter "${f.trim()}" (known: ${Object.keys(FILTERS).join(', ')})`);
    return { name: m[1], args: filterArgs(m[2]) };
  });
  return { base: base.trim(), filters };
}

/** Evaluate `base | filters` to a typed value (the base may be undefined only before `default`). */
function applyFilters(expr: string, vars: Record<string, unknown>): unknown {
  const f = splitFilters(expr)!;
  const r = lookupPath(vars, f.base);
  if (!r.found && f.filters[0]?.name !== 'default' && f.filters[0]?.name !== 'd')
    throw new TemplateError(`undefined variable "${f.base}"`);
  return f.filters.reduce((v, x) => FILTERS[x.name](v, ...x.args.map((a) => literal(a, vars))), r.value);
}

const cache = new Map<string, HandlebarsNs.TemplateDelegate>();
const SINGLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.(?:[A-Za-z0-9_-]+|\[[^\]]+\]))*)\s*\}\}$/;

/**
 * Jinja subscripts with literal keys become path segments inside `{{ }}`: `groups['web'][0]` →
 * `groups.[web].[0]` (handlebars' segment syntax, also understood by lookupPath). Subscripts with
 * a variable inside (`hostvars[inventory_hostname]`) are not supported.
 */
export function subscripts(s: string): string {
  return s.replace(MUSTACHE, (_all, expr: string) => {
    const e = expr.replace(
      /\[\s*(?:'([^'\]]*)'|"([^"\]]*)"|(-?\d+))\s*\]/g,
      (_m, a?: string, b?: string, n?: string) => `.[${a ?? b ?? n}]`,
    );
    return `{{${e}}}`;
  });
}

/** Does this string need rendering at all? */
export function isTemplate(s: string): boolean {
  return s.includes('{{');
}

/** The syntax error of a template, or undefined when it compiles. */
export function templateSyntaxError(text: string): string | undefined {
  if (!isTemplate(text)) return undefined;
  const s = subscripts(text);
  try {
    const plain = s.replace(MUSTACHE, (all, expr: string) => (splitFilters(expr) ? '' : all));
    hb.precompile(plain, { noEscape: true, strict: true });
    return undefined;
  } catch (err) {
    if (err instanceof TemplateError) return err.message;
    const lines = (err as Error).message.split('\n');
    return `template syntax error in ${JSON.stringify(s)}: ${lines[lines.length - 1]}`;
  }
}

/** Look a dotted path up in `vars`; `found` is false when any step is missing. */
export function lookupPath(vars: Record<string, unknown>, path: string): { found: boolean; value?: unknown } {
  let v: unknown = vars;
  for (const raw of path.split('.')) {
    const key = raw.startsWith('[') ? raw.slice(1, -1).replace(/^['"]|['"]$/g, '') : raw;
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return { found: false };
    v = (v as Record<string, unknown>)[key];
  }
  return { found: true, value: v };
}

/** Render a string; undefined variables throw TemplateError naming the variable. */
export function renderString(text: string, vars: Record<string, unknown>, depth = 0): string {
  if (!isTemplate(text)) return text;
  let s = subscripts(text);
  if (MUSTACHE.test(s)) {
    MUSTACHE.lastIndex = 0;
    // Jinja filter expressions are evaluated here; plain mustaches are left to handlebars
    s = s.replace(MUSTACHE, (all, expr: string) => {
      if (!splitFilters(expr)) return all;
      const v = applyFilters(expr, vars);
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
    if (!isTemplate(s)) return s;
  }
  let fn = cache.get(s);
  if (!fn) {
    const syntax = templateSyntaxError(s);
    if (syntax) throw new TemplateError(syntax);
    fn = hb.compile(s, { noEscape: true, strict: true });
    cache.set(s, fn);
  }
  let out: string;
  try {
    out = fn(vars);
  } catch (err) {
    throw new TemplateError(undefinedMessage(s, (err as Error).message));
  }
  // a variable whose value is itself a template (vars: {a: "{{ b }}"}) renders lazily, as in Ansible
  return isTemplate(out) && out !== s && depth < 10 ? renderString(out, vars, depth + 1) : out;
}

/** Render any value: strings, and the strings inside lists and mappings. */
export function renderValue(value: unknown, vars: Record<string, unknown>, depth = 0): unknown {
  const v = typeof value === 'string' && isTemplate(value) ? subscripts(value) : value;
  if (typeof v === 'string') {
    const whole = /^\{\{([^{}]*)\}\}$/.exec(v);
    if (whole && splitFilters(whole[1])) return applyFilters(whole[1], vars);
    const m = SINGLE.exec(v);
    if (m) {
      const r = lookupPath(vars, m[1]);
      if (!r.found) throw new TemplateError(`undefined variable "${m[1]}"`);
      return depth < 10 ? renderValue(r.value, vars, depth + 1) : r.value;
    }
    return renderString(v, vars);
  }
  if (Array.isArray(v)) return v.map((x) => renderValue(x, vars, depth));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = renderValue(x, vars, depth);
    return out;
  }
  return v;
}

/** Turn handlebars' `"c" not defined in undefined - 1:3` into `undefined variable "a.b.c"`. */
function undefinedMessage(template: string, message: string): string {
  const m = /^"([^"]+)" not defined/.exec(message);
  if (!m) return `cannot render template: ${message}`;
  const seg = m[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const full = new RegExp(`\\{\\{[^}]*?([A-Za-z0-9_.\\[\\]-]*\\b${seg}\\b[A-Za-z0-9_.\\[\\]-]*)`).exec(
    template,
  );
  return `undefined variable "${full ? full[1] : m[1]}"`;
}
