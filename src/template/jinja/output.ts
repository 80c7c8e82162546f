/**
 * What Ansible does with a template's output nodes: finalize each printed value (None prints
 * nothing; an undefined value anywhere inside fails), then concatenate — as text for template
 * files (ansible_concat), or keeping a single node's value and literal_eval-ing text that looks
 * like a list, dict or bool for task values (ansible_eval_concat).
 */
import { JinjaRuntimeError } from './errors.js';
import { literalEval } from './literal.js';
import { pyStr } from './pystr.js';
import { JinjaUndefined, dictEntries, isMapping } from './values.js';

/** A value rendered by a string-typed filter (to_json, string...): Ansible never literal_evals it. */
export class NativeText {
  constructor(readonly text: string) {}
}

function failOnUndefined(v: unknown, depth = 0): void {
  if (v instanceof JinjaUndefined) v.fail();
  if (depth > 50) return;
  if (Array.isArray(v)) for (const x of v) failOnUndefined(x, depth + 1);
  else if (isMapping(v)) for (const [, x] of dictEntries(v)) failOnUndefined(x, depth + 1);
}

/** Ansible's _ansible_finalize for one `{{ }}` value. */
export function finalize(v: unknown): unknown {
  failOnUndefined(v);
  if (v === undefined) throw new JinjaRuntimeError('value is undefined', 'undefined');
  return v === null ? '' : v;
}

function text(v: unknown): string {
  return v instanceof NativeText ? v.text : pyStr(v);
}

/** ansible_concat: every node as text. */
export function concatText(parts: unknown[]): string {
  if (parts.length === 1) return text(parts[0]);
  let s = '';
  for (const p of parts) s += text(p);
  return s;
}

/** ansible_eval_concat (Templar.template with convert_data): maybe a list/dict/bool. */
export function concatEval(parts: unknown[]): unknown {
  if (!parts.length) return '';
  if (parts.length === 1 && parts[0] instanceof NativeText) return parts[0].text;
  const out = concatText(parts);
  if (out.startsWith('{') || out.startsWith('[') || out === 'True' || out === 'False') {
    const r = literalEval(out);
    if (r.ok) return r.value;
  }
  return out;
}

/** Count trailing newlines (Ansible's _count_newlines_from_end). */
export function trailingNewlines(s: string): number {
  let i = s.length;
  while (i > 0 && s[i - 1] === '\n') i--;
  return s.length - i;
}
