/**
 * Schema check of the variables certfleet itself reads (src/config/schemas/hostvars.schema.json),
 * done where each value was written: an inventory file's host or group, or a group_vars/host_vars
 * file. Variables merge key by key, so a value that is valid where it was written stays valid.
 */
import type { Issue, SourceLocation } from '../errors.js';
import { readFileSync } from 'node:fs';
import { schemaValidator, validateWith } from '../config/validate.js';
import { locatePath } from '../config/yaml.js';
import { codeAsset } from '../paths.js';

const schema = JSON.parse(readFileSync(codeAsset('config', 'schemas', 'hostvars.schema.json'), 'utf8')) as {
  properties: Record<string, { errorMessage?: string }>;
};
/** The variables the schema constrains, with the one message to show when a value is wrong. */
const KNOWN = new Map(Object.entries(schema.properties).map(([k, v]) => [k, v.errorMessage]));

/** True when a vars object sets any variable the schema constrains (the rest is never checked). */
function hasKnown(vars: Record<string, unknown>): boolean {
  for (const k in vars) if (KNOWN.has(k)) return true;
  return false;
}

/**
 * Check a vars mapping parsed from YAML. `root` is the parsed document and `prefix` the path of
 * `vars` inside it, so issues point at the offending value with its dot path.
 */
export function checkYamlVars(vars: unknown, root: unknown, prefix: (string | number)[]): Issue[] {
  if (vars === null || typeof vars !== 'object' || Array.isArray(vars)) return [];
  if (!hasKnown(vars as Record<string, unknown>)) return [];
  const issues = simplify(validateWith(schemaValidator('hostvars'), vars, { root, prefix }), prefix.length);
  return issues.map((issue) => relocate(issue, vars, root, prefix));
}

/** Check one variable written outside YAML (INI): issues point at `at`, the value's position. */
export function checkOneVar(key: string, value: unknown, prefix: string[], at: SourceLocation): Issue[] {
  if (!KNOWN.has(key)) return [];
  return simplify(
    validateWith(schemaValidator('hostvars'), { [key]: value }, { prefix, fallback: at }),
    prefix.length,
  );
}

/**
 * ajv reports one error per failed alternative (integer? template string?); keep one issue per
 * variable: the most specific one (a bad list item), else the variable's own message.
 */
function simplify(issues: Issue[], depth: number): Issue[] {
  const byVar = new Map<string, Issue[]>();
  for (const issue of issues) {
    const key = (issue.path ?? '').split('.')[depth] ?? '';
    byVar.set(key, [...(byVar.get(key) ?? []), issue]);
  }
  const out: Issue[] = [];
  for (const [key, list] of byVar) {
    const deepest = list.reduce((a, b) => ((b.path ?? '').length > (a.path ?? '').length ? b : a));
    const deeper = (deepest.path ?? '').split('.').length > depth + 1;
    const message = deeper ? deepest.message : (KNOWN.get(key) ?? deepest.message);
    out.push({ ...deepest, message });
  }
  return out;
}

/**
 * Point at the exact value: ajv paths hold list indexes as strings, while positions of list items
 * are recorded under numbers, so a bad item (`webserver.1`) would otherwise point at the list.
 */
function relocate(issue: Issue, vars: object, root: unknown, prefix: (string | number)[]): Issue {
  const head = prefix.join('.');
  const rest = (issue.path ?? '').slice(head ? head.length + 1 : 0).split('.');
  const path: (string | number)[] = [];
  let node: unknown = vars;
  for (const seg of rest) {
    const key = Array.isArray(node) && /^\d+$/.test(seg) ? Number(seg) : seg;
    path.push(key);
    node =
      node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
  }
  return { ...issue, source: locatePath(root, [...prefix, ...path], 'value') ?? issue.source };
}
