/**
 * Module arguments: free-form parsing (`command: ls -l`, `debug: msg=hi`), schema validation with
 * every issue located in the YAML, and "did you mean" suggestions for unknown names.
 */
import type { ValidateFunction } from 'ajv';
import { validateWith, validatorFor } from '../config/validate.js';
import type { Issue, SourceLocation } from '../errors.js';
/** The parts of a module definition that argument handling needs. */
export interface ModuleShape {
  name: string;
  schema: object;
  freeForm?: string;
}

/** The compiled schema of a module (compiled once per run). */
export function moduleValidator(def: ModuleShape): ValidateFunction {
  return validatorFor(def.schema);
}

/**
 * Validate module args. Before rendering (`rendered` false) values still holding `{{ }}` may not have
 * their final type, so issues about them are left for the run-time check after rendering.
 */
export function validateModuleArgs(
  def: ModuleShape,
  args: Record<string, unknown>,
  where: { root?: unknown; prefix?: (string | number)[]; fallback?: SourceLocation },
  rendered: boolean,
): Issue[] {
  const issues = validateWith(moduleValidator(def), args, where);
  if (rendered) return issues;
  return issues.filter((i) => {
    const rel = (i.path ?? '').split('.').slice(where.prefix?.length ?? 0);
    let v: unknown = args;
    for (const k of rel) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    return !(typeof v === 'string' && v.includes('{{'));
  });
}

// a value is quoted, or runs to the next space outside `{{ }}` (`path={{ dir }}/x` is one value)
const KV = /^\s*([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|(?:\{\{.*?\}\}|[^\s])*)/;

/**
 * Split a free-form argument string. Modules with a free-form parameter take the whole string
 * (`command: ls -l`); others accept `key=value` pairs (`debug: msg="hello world"`).
 */
export function parseFreeForm(def: ModuleShape, text: string): Record<string, unknown> | string {
  if (def.freeForm) return { [def.freeForm]: text };
  const out: Record<string, unknown> = {};
  let rest = text;
  while (rest.trim()) {
    const m = KV.exec(rest);
    if (!m) return `module "${def.name}" takes key=value arguments, got "${rest.trim()}"`;
    let v = m[2];
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) {
      v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    out[m[1]] = v;
    rest = rest.slice(m[0].length);
  }
  return out;
}

/** Names within edit distance 2 (or sharing a prefix), closest first: for "did you mean". */
export function closeMatches(name: string, candidates: string[]): string[] {
  const scored = candidates
    .map((c) => ({ c, d: distance(name, c) }))
    .filter(
      ({ c, d }) => d <= Math.max(2, Math.floor(name.length / 3)) || c.startsWith(name) || name.startsWith(c),
    )
    .sort((a, b) => a.d - b.d);
  return scored.slice(0, 3).map((s) => s.c);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/**
 * Ansible converts rendered arguments to the declared type (`"{{ port }}"` → int, `{{ flag }}` →
 * "True" for a str option). Top-level scalars only: a string option gets the text of a
 * number/boolean, an integer/number/boolean option gets its value parsed from a string.
 */
export function coerceArgs(def: ModuleShape, args: Record<string, unknown>): Record<string, unknown> {
  const props =
    (def.schema as { properties?: Record<string, { type?: string | string[] }> }).properties ?? {};
  const out = { ...args };
  for (const [k, v] of Object.entries(out)) {
    const t = props[k]?.type;
    const types = t === undefined ? [] : Array.isArray(t) ? t : [t];
    if (
      !types.length ||
      types.includes(typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v)
    )
      continue;
    if (types.includes('integer') && typeof v === 'number' && Number.isInteger(v)) continue;
    if (types.includes('string') && (typeof v === 'number' || typeof v === 'boolean')) out[k] = String(v);
    else if (
      (types.includes('integer') || types.includes('number')) &&
      typeof v === 'string' &&
      /^-?\d+(\.\d+)?$/.test(v.trim())
    )
      out[k] = Number(v);
    else if (types.includes('boolean') && typeof v === 'string' && /^(true|false|yes|no)$/i.test(v.trim()))
      out[k] = /^(true|yes)$/i.test(v.trim());
  }
  return out;
}
