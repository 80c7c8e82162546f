/**
 * `{{ var }}` rendering with handlebars: no HTML escaping, strict (an undefined variable is an
 * error naming it). An argument that is exactly one `{{ path }}` keeps the variable's type (a list
 * for `loop`, a number for `port`), as Ansible does. Jinja filters are not handlebars syntax; the
 * helpers below cover the common ones (docs/templates in README): `{{default x "y"}}`,
 * `{{lower x}}`, `{{upper x}}`, `{{join list ","}}`, `{{to_json x}}`, `{{basename p}}`.
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
hb.registerHelper('default', (v: unknown, d: unknown) => (v === undefined || v === null || v === '' ? d : v));
hb.registerHelper('lower', (v: unknown) => String(v).toLowerCase());
hb.registerHelper('upper', (v: unknown) => String(v).toUpperCase());
hb.registerHelper('join', (v: unknown, sep: unknown) =>
  Array.isArray(v) ? v.join(typeof sep === 'string' ? sep : ',') : String(v),
);
hb.registerHelper('to_json', (v: unknown) => JSON.stringify(v));
hb.registerHelper('basename', (v: unknown) => String(v).split('/').pop() ?? '');

const cache = new Map<string, HandlebarsNs.TemplateDelegate>();
const SINGLE = /^\s*\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.(?:[A-Za-z0-9_-]+|\[[^\]]+\]))*)\s*\}\}\s*$/;

/** Does this string need rendering at all? */
export function isTemplate(s: string): boolean {
  return s.includes('{{');
}

/** The syntax error of a template, or undefined when it compiles. */
export function templateSyntaxError(s: string): string | undefined {
  if (!isTemplate(s)) return undefined;
  try {
    hb.precompile(s, { noEscape: true, strict: true });
    return undefined;
  } catch (err) {
    return `template syntax error: ${(err as Error).message.split('\n')[0]}`;
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
export function renderString(s: string, vars: Record<string, unknown>, depth = 0): string {
  if (!isTemplate(s)) return s;
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
export function renderValue(v: unknown, vars: Record<string, unknown>, depth = 0): unknown {
  if (typeof v === 'string') {
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
  const full = new RegExp(`\\{\\{[^}]*?([A-Za-z0-9_.\\[\\]-]*\\b${seg}\\b[A-Za-z0-9_.\\[\\]-]*)`).exec(template);
  return `undefined variable "${full ? full[1] : m[1]}"`;
}
