/**
 * Small conversions and load-time checks shared by the task and play loaders: Ansible booleans,
 * string-or-list values, condition compilation and template syntax checks (issues, never throws).
 */
import { locateValue } from '../config/yaml.js';
import type { Issue, SourceLocation } from '../errors.js';
import { compileCondition } from '../template/condition.js';
import { templateSyntaxError } from '../template/render.js';

/** `yes`/`true`/`on` → true; anything YAML already typed passes through. */
export function toBool(v: unknown): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  return typeof v === 'string' || typeof v === 'number'
    ? ['yes', 'true', 'on', '1'].includes(String(v).toLowerCase())
    : undefined;
}

/** A string or list of strings as a list. */
export function toList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** Normalise a `when`-like value to a list of expressions, compiling each (issues on syntax errors). */
export function conditions(raw: unknown, where: SourceLocation | undefined, issues: Issue[]): string[] {
  const list = (Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]).map(String);
  for (const c of list) {
    try {
      compileCondition(c);
    } catch (err) {
      issues.push({ source: where, message: (err as Error).message });
    }
  }
  return list;
}

/** Check the syntax of every `{{ }}` string inside a value. */
export function checkTemplates(v: unknown, where: SourceLocation | undefined, issues: Issue[]): void {
  if (typeof v === 'string') {
    const e = templateSyntaxError(v);
    if (e) issues.push({ source: where, message: e });
  } else if (Array.isArray(v)) v.forEach((x, i) => checkTemplates(x, locateValue(v, i) ?? where, issues));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) checkTemplates(x, locateValue(v, k) ?? where, issues);
}
