/**
 * JSON Schema validation (ajv) that reports every violation as an Issue located in the YAML source.
 * Messages use dot paths (`all.hosts.web1.ansible_port: must be integer`).
 */
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Issue, SourceLocation } from '../errors.js';
import { codeAsset } from '../paths.js';
import { locatePath } from './yaml.js';

/** Options of every validator, compiled here or at build time (scripts/precompile-validators.mjs). */
// validateSchema off: our schemas are fixed and tested; checking them against the meta-schema
// compiled the meta-schema on every start (~80 ms, a fifth of a run's start-up)
export const AJV_OPTIONS: Options = {
  allErrors: true,
  // errors carry their schema: a schema's `errorMessage` replaces ajv's generic text
  verbose: true,
  strict: false,
  allowUnionTypes: true,
  validateSchema: false,
};

/** One shared Ajv instance: all errors, no coercion, schemas compiled once. */
export const ajv = new Ajv(AJV_OPTIONS);
const compiled = new Map<string, ValidateFunction>();

interface Precompiled {
  byName: Record<string, ValidateFunction | undefined>;
  /** module schemas by their JSON */
  byJson: Map<string, ValidateFunction>;
}
let pre: Precompiled | null | undefined;

/** The validators compiled at build time (only in `dist/`; the sources compile on demand). */
function precompiled(): Precompiled | null {
  if (pre !== undefined) return pre;
  try {
    const m = createRequire(import.meta.url)(codeAsset('config', 'validators.cjs')) as Record<
      string,
      unknown
    > & { __keys: Record<string, string> };
    const byJson = new Map(
      Object.entries(m.__keys).map(([name, json]) => [json, m[name] as ValidateFunction]),
    );
    pre = { byName: m as Precompiled['byName'], byJson };
  } catch {
    pre = null;
  }
  return pre;
}

/** The validator of `src/config/schemas/NAME.schema.json`, or of `taskList` in the playbook schema. */
export function schemaValidator(name: 'playbook' | 'hostvars' | 'taskList'): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    v = precompiled()?.byName[name];
    if (!v && name === 'taskList') {
      schemaValidator('playbook');
      v = ajv.getSchema('playbook#/definitions/taskList');
    } else if (!v) {
      const schema = JSON.parse(
        readFileSync(codeAsset('config', 'schemas', `${name}.schema.json`), 'utf8'),
      ) as object;
      v = ajv.compile(schema);
    }
    if (!v) throw new Error(`no validator for ${name}`);
    compiled.set(name, v);
  }
  return v;
}

const bySchema = new WeakMap<object, ValidateFunction>();

/**
 * The compiled validator of a module's parameter schema, compiled once per run (or at build time)
 * whoever asks: the loader checks a task's arguments before the run, the module again at run time.
 */
export function validatorFor(schema: object): ValidateFunction {
  let v = bySchema.get(schema);
  if (!v) {
    v = precompiled()?.byJson.get(JSON.stringify(schema)) ?? ajv.compile(schema);
    bySchema.set(schema, v);
  }
  return v;
}

/**
 * Validate `value` and turn every ajv error into an Issue. `root` is the parsed document that
 * `value` lives in and `prefix` is the path of `value` inside it (both used only for locations and
 * dot paths); `fallback` is used when no position is known (values built in memory).
 */
export function validateWith(
  validate: ValidateFunction,
  value: unknown,
  opts: { prefix?: (string | number)[]; fallback?: SourceLocation; root?: unknown } = {},
): Issue[] {
  if (validate(value)) return [];
  const prefix = opts.prefix ?? [];
  const seen = new Set<string>();
  const issues: Issue[] = [];
  for (const err of collapse(validate.errors ?? [])) {
    const issue = toIssue(err, value, prefix, opts);
    const key = `${issue.path}|${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

function pointerToPath(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function toIssue(
  err: ErrorObject,
  value: unknown,
  prefix: (string | number)[],
  opts: { fallback?: SourceLocation; root?: unknown },
): Issue {
  let path: (string | number)[] = pointerToPath(err.instancePath);
  let message = err.message ?? 'invalid';
  // type/value errors point at the value; unknown or missing keys at the key
  let at: 'key' | 'value' = 'value';
  if (err.keyword === 'additionalProperties') {
    const extra = String((err.params as { additionalProperty: string }).additionalProperty);
    path = [...path, extra];
    message = `unknown key "${extra}"`;
    at = 'key';
  } else if (err.keyword === 'enum') {
    const allowed = (err.params as { allowedValues: unknown[] }).allowedValues;
    message = `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;
  } else if (err.keyword === 'required') {
    message = `missing required key "${(err.params as { missingProperty: string }).missingProperty}"`;
    at = 'key';
  } else if (typeof err.parentSchema === 'object' && err.parentSchema && 'errorMessage' in err.parentSchema) {
    message = String((err.parentSchema as { errorMessage: unknown }).errorMessage);
  }
  const root = opts.root ?? value;
  const full = [...prefix, ...path];
  const source = locatePath(root, opts.root ? full : path, at) ?? opts.fallback;
  return { source, path: full.join('.'), message };
}

/**
 * ajv reports one error per failed branch of a oneOf/anyOf; keep the most useful ones: when a
 * oneOf/anyOf fails, report it once, unless a branch failed deeper (then the deeper errors speak).
 */
function collapse(errors: ErrorObject[]): ErrorObject[] {
  const anyOf = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  if (!anyOf.length) return errors;
  const out: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
      out.push({ ...e, message: (e.parentSchema as { errorMessage?: string })?.errorMessage ?? e.message });
      continue;
    }
    const parent = anyOf.find(
      (a) =>
        e.schemaPath.startsWith(a.schemaPath.replace(/\/(anyOf|oneOf)$/, '')) &&
        e.instancePath === a.instancePath,
    );
    if (!parent) out.push(e);
  }
  return out;
}
