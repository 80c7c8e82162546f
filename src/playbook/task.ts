/**
 * Task lists: turns the YAML of tasks/blocks/includes into the model, pushing inherited keywords
 * (when, tags, vars, become, role scope) down into every task and collecting every issue with its
 * file:line:col. Modules are looked up in the registry; their args are validated here, before any
 * host is contacted.
 */
import { dirname, resolve } from 'node:path';
import { schemaValidator, validateWith } from '../config/validate.js';
import { copyLocation, locate, locateValue, readYamlFile } from '../config/yaml.js';
import { ConfigError, type Issue, type SourceLocation } from '../errors.js';
import { getModule, moduleNames } from '../modules/registry.js';
import { buildTask } from './build-task.js';
import { closeMatches } from './module-args.js';
import { checkTemplates, conditions, toBool, toList } from './values.js';
import type { Block, TaskItem, VarScopes } from './types.js';

/** Keywords a task may carry besides its module (Ansible's task keywords that certfleet supports). */
export const TASK_KEYWORDS = new Set([
  'name',
  'args',
  'when',
  'loop',
  'with_items',
  'loop_control',
  'register',
  'notify',
  'listen',
  'tags',
  'check_mode',
  'diff',
  'ignore_errors',
  'changed_when',
  'failed_when',
  'delegate_to',
  'run_once',
  'become',
  'become_user',
  'vars',
  'environment',
  'no_log',
  'block',
  'rescue',
  'always',
]);
const PSEUDO = new Set(['include_tasks', 'import_tasks', 'include_role', 'import_role', 'meta']);

/** What enclosing plays, roles, blocks and includes hand down to their tasks. */
export interface Inherited {
  when: string[];
  tags: string[];
  become?: boolean;
  vars: VarScopes;
}

/** State shared while loading one playbook. */
export interface LoadContext {
  baseDir: string;
  roleDir?: string;
  inherited: Inherited;
  issues: Issue[];
  depth: number;
  /** load a role (include_role/import_role); returns its tasks and appends its handlers */
  loadRole(name: string, where: SourceLocation, inherited: Inherited): Promise<TaskItem[]>;
}

/** Parse a list of raw tasks. */
export async function parseTaskList(raw: unknown, ctx: LoadContext): Promise<TaskItem[]> {
  if (!Array.isArray(raw)) return [];
  const out: TaskItem[] = [];
  for (const item of raw) {
    const parsed = await parseTask(fromAction(item as Record<string, unknown>), ctx);
    if (parsed) out.push(...parsed);
  }
  return out;
}

/**
 * Ansible's older spellings `action: copy src=a dest=b` / `action: {module: copy, src: a}` and
 * `local_action:` (the same, delegated to localhost) become the usual `copy: ...` form.
 */
function fromAction(raw: Record<string, unknown>): Record<string, unknown> {
  const key = 'action' in raw ? 'action' : 'local_action' in raw ? 'local_action' : undefined;
  if (!key || !raw || typeof raw !== 'object') return raw;
  const { [key]: spec, ...rest } = raw;
  let module: string | undefined;
  let args: unknown;
  if (typeof spec === 'string') {
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(spec);
    module = m?.[1];
    args = m?.[2] || null;
  } else if (spec && typeof spec === 'object' && typeof (spec as { module?: unknown }).module === 'string') {
    const { module: name, ...a } = spec as Record<string, unknown>;
    module = name as string;
    args = a;
  }
  if (!module) return raw;
  const out: Record<string, unknown> = { ...rest, [module]: args };
  if (key === 'local_action') out.delegate_to = 'localhost';
  // keep positions: issues about the rewritten task still point into the YAML
  copyLocation(raw, out);
  return out;
}

async function parseTask(raw: Record<string, unknown>, ctx: LoadContext): Promise<TaskItem[] | undefined> {
  const at = locate(raw) ?? { file: ctx.baseDir, line: 1, col: 1 };
  const issues = ctx.issues;
  const inh = ctx.inherited;
  const when = [...inh.when, ...conditions(raw.when, locateValue(raw, 'when'), issues)];
  const tags = [...new Set([...inh.tags, ...toList(raw.tags)])];
  const vars = (raw.vars ?? {}) as Record<string, unknown>;
  checkTemplates(raw.vars, locateValue(raw, 'vars'), issues);
  const become = toBool(raw.become) ?? inh.become;
  const candidates = Object.keys(raw).filter((k) => !TASK_KEYWORDS.has(k));

  if ('block' in raw) {
    for (const k of candidates)
      issues.push({ source: locate(raw, k), message: `unknown block keyword "${k}"` });
    const child: LoadContext = {
      ...ctx,
      inherited: { when, tags, become, vars: { ...inh.vars, blockVars: { ...inh.vars.blockVars, ...vars } } },
    };
    const block: Block = {
      kind: 'block',
      name: raw.name as string | undefined,
      block: await parseTaskList(raw.block, child),
      rescue: await parseTaskList(raw.rescue, child),
      always: await parseTaskList(raw.always, child),
      source: at,
    };
    return [block];
  }
  const mods = candidates.filter((k) => PSEUDO.has(k) || getModule(k));
  if (!mods.length) {
    if (!candidates.length) issues.push({ source: at, message: 'task has no module (and no block)' });
    else {
      const near = closeMatches(candidates[0], [...moduleNames(), ...PSEUDO, ...TASK_KEYWORDS]);
      const hint = near.length ? `; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : '';
      issues.push({
        source: locate(raw, candidates[0]),
        message: `unknown module "${candidates[0]}"${hint}`,
      });
    }
    return undefined;
  }
  if (mods.length > 1) {
    issues.push({
      source: locate(raw, mods[1]),
      message: `a task runs one module; found "${mods[0]}" and "${mods[1]}"`,
    });
    return undefined;
  }
  for (const k of candidates.filter((c) => c !== mods[0])) {
    const near = closeMatches(k, [...TASK_KEYWORDS]);
    const hint = near.length ? `; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : '';
    issues.push({ source: locate(raw, k), message: `unknown task keyword "${k}"${hint}` });
  }
  const module = mods[0];
  const value = raw[module];
  const modAt = locate(raw, module) ?? at;

  if (module === 'include_tasks' || module === 'import_tasks') {
    const file = typeof value === 'string' ? value : (value as { file?: string } | null)?.file;
    if (!file || file.includes('{{')) {
      issues.push({ source: modAt, message: `${module} needs a literal file name` });
      return undefined;
    }
    return includeFile(resolve(ctx.baseDir, file), { when, tags, become, vars }, ctx, modAt);
  }
  if (module === 'include_role' || module === 'import_role') {
    const name = (value as { name?: string } | null)?.name ?? (typeof value === 'string' ? value : undefined);
    if (!name) {
      issues.push({ source: modAt, message: `${module} needs "name"` });
      return undefined;
    }
    const role = await ctx.loadRole(name, modAt, {
      when,
      tags,
      become,
      vars: { ...inh.vars, blockVars: { ...inh.vars.blockVars, ...vars } },
    });
    return [
      {
        kind: 'block',
        name: raw.name as string | undefined,
        block: role,
        rescue: [],
        always: [],
        source: at,
      },
    ];
  }
  return [buildTask(raw, ctx, { module, value, modAt, at, when, tags, become, vars })];
}

/** Load a task file (include_tasks/import_tasks, role tasks/main.yml) as a list, schema-checked. */
export async function loadTaskFile(file: string, ctx: LoadContext): Promise<TaskItem[]> {
  if (ctx.depth > 20) throw new ConfigError(`${file}: includes nested more than 20 deep (a loop?)`);
  const doc = await readYamlFile(file);
  if (doc.value === null || doc.value === undefined) return [];
  const v = schemaValidator('taskList');
  const issues = validateWith(v, doc.value, { fallback: { file, line: 1, col: 1 } });
  if (issues.length) {
    ctx.issues.push(...issues);
    return [];
  }
  return parseTaskList(doc.value, { ...ctx, baseDir: dirname(file), depth: ctx.depth + 1 });
}

async function includeFile(
  file: string,
  inh: Omit<Inherited, 'vars'> & { vars: Record<string, unknown> },
  ctx: LoadContext,
  at: SourceLocation,
): Promise<TaskItem[]> {
  const inherited: Inherited = {
    ...inh,
    vars: { ...ctx.inherited.vars, blockVars: { ...ctx.inherited.vars.blockVars, ...inh.vars } },
  };
  try {
    const items = await loadTaskFile(file, { ...ctx, inherited });
    return [{ kind: 'block', block: items, rescue: [], always: [], source: at }];
  } catch (err) {
    if (err instanceof ConfigError) ctx.issues.push(...err.issues);
    else throw err;
    return [];
  }
}
