/**
 * Conditions (`when`, `changed_when`, `failed_when`, `assert: that`) evaluated by filtrex: a safe,
 * sandboxed expression library (no eval of user code). Ansible/Jinja spellings are mapped onto
 * filtrex before compiling: single-quoted strings become double-quoted, `x is defined` /
 * `is not defined` / `is undefined` become a function call, `x is failed|changed|succeeded|skipped`
 * read the registered result, `x | length|bool|int|lower|upper` become calls, and
 * `True/False/None` are constants. Dotted names (`result.rc`) walk into mappings.
 */
import { compileExpression } from 'filtrex';
import { TemplateError, lookupPath } from './render.js';

type Compiled = (vars: Record<string, unknown>) => unknown;

let current: Record<string, unknown> = {};
const compiled = new Map<string, Compiled>();

const truthy = (v: unknown): boolean =>
  Array.isArray(v)
    ? v.length > 0
    : typeof v === 'string'
      ? !['', 'false', 'no', 'off', '0'].includes(v.toLowerCase())
      : Boolean(v);

const functions = {
  __defined: (name: string) =>
    lookupPath(current, name).found && lookupPath(current, name).value !== undefined,
  __test: (v: unknown, test: string) => {
    const r = (v ?? {}) as Record<string, unknown>;
    if (test === 'failed') return r.failed === true;
    if (test === 'changed') return r.changed === true;
    if (test === 'skipped') return r.skipped === true;
    return r.failed !== true;
  },
  length: (v: unknown) =>
    Array.isArray(v) || typeof v === 'string' ? v.length : Object.keys(v ?? {}).length,
  bool: truthy,
  int: (v: unknown) => parseInt(String(v), 10),
  lower: (v: unknown) => String(v).toLowerCase(),
  upper: (v: unknown) => String(v).toUpperCase(),
  contains: (haystack: unknown, needle: unknown) =>
    Array.isArray(haystack) ? haystack.includes(needle) : String(haystack).includes(String(needle)),
  // Jinja's `in`: substring of a string, element of a list, key of a mapping
  __in: (needle: unknown, haystack: unknown) =>
    typeof haystack === 'string'
      ? haystack.includes(String(needle))
      : Array.isArray(haystack)
        ? haystack.includes(needle)
        : haystack !== null && typeof haystack === 'object'
          ? Object.hasOwn(haystack, String(needle))
          : false,
};

/** Rewrite Jinja-isms into filtrex syntax, touching only the code outside string literals. */
export function translate(expr: string): string {
  const parts: string[] = [];
  let code = '';
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      let body = '';
      while (j < expr.length && expr[j] !== c) {
        if (expr[j] === '\\' && j + 1 < expr.length) body += expr[j++];
        body += expr[j++];
      }
      if (j >= expr.length) throw new Error('unterminated string literal');
      parts.push(rewriteCode(code), JSON.stringify(body.replace(/\\(.)/g, '$1')));
      code = '';
      i = j + 1;
    } else {
      code += c;
      i++;
    }
  }
  parts.push(rewriteCode(code));
  return rewriteIn(parts.join(''));
}

const STRING = '"(?:[^"\\\\]|\\\\.)*"';
const OPERAND = `(${STRING}|-?\\d+(?:\\.\\d+)?|[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_]+)*)`;
const IN = new RegExp(`${OPERAND}(\\s+(not\\s+)?in\\s+([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_]+)*))?`, 'g');

/**
 * `a in b` where `b` is a variable becomes `__in(a, b)` (filtrex's own `in` is list membership only,
 * so `'x' in some_string` would be false); `a in (1, 2)` stays filtrex's. String literals are matched
 * whole, so an ` in ` inside one is never touched.
 */
function rewriteIn(code: string): string {
  return code.replace(
    IN,
    (m, left: string, tail: string | undefined, not: string | undefined, right: string) => {
      if (!tail || ['not', 'and', 'or'].includes(left)) return m;
      return `${not ? 'not ' : ''}__in(${left}, ${right})`;
    },
  );
}

const NAME = '([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_]+)*)';

function rewriteCode(code: string): string {
  return code
    .replace(new RegExp(`${NAME}\\s+is\\s+not\\s+defined\\b`, 'g'), 'not __defined("$1")')
    .replace(new RegExp(`${NAME}\\s+is\\s+undefined\\b`, 'g'), 'not __defined("$1")')
    .replace(new RegExp(`${NAME}\\s+is\\s+defined\\b`, 'g'), '__defined("$1")')
    .replace(
      new RegExp(`${NAME}\\s+is\\s+(not\\s+)?(failed|changed|skipped|succeeded|success)\\b`, 'g'),
      (_m, name: string, not: string | undefined, test: string) =>
        `${not ? 'not ' : ''}__test(${name}, "${test}")`,
    )
    .replace(new RegExp(`${NAME}\\s*\\|\\s*(length|bool|int|lower|upper)\\b`, 'g'), '$2($1)');
}

/** Compile (and cache) a condition; a syntax error throws TemplateError with filtrex's reason. */
export function compileCondition(expr: string | boolean): Compiled {
  const text = String(expr).trim();
  const hit = compiled.get(text);
  if (hit) return hit;
  let fn: (obj: unknown) => unknown;
  try {
    fn = compileExpression(translate(text), {
      extraFunctions: functions,
      constants: { true: true, false: false, True: true, False: false, None: null, none: null },
      customProp: (name: string) => {
        const r = lookupPath(current, name);
        if (!r.found) throw new TemplateError(`undefined variable "${name}"`);
        return r.value;
      },
    }) as (obj: unknown) => unknown;
  } catch (err) {
    throw new TemplateError(`bad expression "${text}": ${(err as Error).message.split('\n')[0]}`);
  }
  const run: Compiled = (vars) => {
    current = vars;
    try {
      const v = fn(vars);
      if (v instanceof Error)
        throw v instanceof TemplateError ? v : new TemplateError(`${text}: ${v.message}`);
      return v;
    } finally {
      current = {};
    }
  };
  compiled.set(text, run);
  return run;
}

/** True when every condition holds (Ansible's list-of-conditions = and). */
export function evaluateAll(conditions: (string | boolean)[], vars: Record<string, unknown>): boolean {
  return conditions.every((c) => truthy(compileCondition(c)(vars)));
}
