/**
 * Task lists: turns the YAML of tasks/blocks/includes into the model, pushing inherited keywords
 * (when, tags, vars, become, role scope) down into every task and collecting every issue with its
 * file:line:col. Modules are looked up in the registry; their args are validated here, before any
 * host is contacted.
 */
import { dirname, resolve } from 'node:path';
import { ajv } from '../config/validate.js';
import { locate, locateValue, readYamlFile } from '../config/yaml.js';
import { ConfigError, type Issue, type SourceLocation } from '../errors.js';
import { compileCondition } from '../engine/condition.js';
import { templateSyntaxError } from '../engine/template.js';
import { getModule, moduleNames } from '../modules/registry.js';
import { closeMatches, parseFreeForm, validateModuleArgs } from './module-args.js';
import type { Block, Task, TaskItem, VarScopes } from './types.js';
import { validateWith } from '../config/validate.js';

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

function conditions(raw: unknown, where: SourceLocation | undefined, issues: Issue[]): string[] {
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

/** Parse a list of raw tasks. */
export async function parseTaskList(raw: unknown, ctx: LoadContext): Promise<TaskItem[]> {
  if (!Array.isArray(raw)) return [];
  const out: TaskItem[] = [];
  for (const item of raw) {
    const parsed = await parseTask(item as Record<string, unknown>, ctx);
    if (parsed) out.push(...parsed);
  }
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

function buildTask(
  raw: Record<string, unknown>,
  ctx: LoadContext,
  p: {
    module: string;
    value: unknown;
    modAt: SourceLocation;
    at: SourceLocation;
    when: string[];
    tags: string[];
    become?: boolean;
    vars: Record<string, unknown>;
  },
): Task {
  const issues = ctx.issues;
  let args: Record<string, unknown> = {};
  let argsRoot: Task['argsRoot'];
  if (p.module === 'meta') {
    if (p.value !== 'flush_handlers')
      issues.push({
        source: p.modAt,
        message: `meta: only "flush_handlers" is supported, got ${JSON.stringify(p.value)}`,
      });
    args = { action: p.value };
  } else {
    const def = getModule(p.module)!;
    const extra = (raw.args ?? {}) as Record<string, unknown>;
    if (typeof p.value === 'string') {
      const parsed = parseFreeForm(def, p.value);
      if (typeof parsed === 'string') issues.push({ source: locateValue(raw, p.module), message: parsed });
      else args = { ...parsed, ...extra };
      if (raw.args) argsRoot = { root: raw, prefix: ['args'] };
    } else if (p.value && typeof p.value === 'object' && !Array.isArray(p.value)) {
      args = raw.args
        ? { ...(p.value as Record<string, unknown>), ...extra }
        : (p.value as Record<string, unknown>);
      argsRoot = raw.args ? undefined : { root: raw, prefix: [p.module] };
    } else if (p.value === null || p.value === undefined) {
      args = extra;
      if (raw.args) argsRoot = { root: raw, prefix: ['args'] };
    } else
      issues.push({
        source: locateValue(raw, p.module),
        message: `arguments of "${p.module}" must be a mapping or a string`,
      });
    issues.push(
      ...validateModuleArgs(def, args, { ...argsRoot, fallback: p.modAt }, false).map((i) => ({
        ...i,
        path: `${p.module}.${(i.path ?? '')
          .split('.')
          .slice(argsRoot?.prefix.length ?? 0)
          .join('.')}`.replace(/\.$/, ''),
      })),
    );
    checkTemplates(args, p.modAt, issues);
    if (p.module === 'assert') conditions(args.that, locateValue(args, 'that') ?? p.modAt, issues);
  }
  const loopRaw = raw.loop ?? raw.with_items;
  checkTemplates(loopRaw, locateValue(raw, 'loop') ?? locateValue(raw, 'with_items'), issues);
  const lc = (raw.loop_control ?? {}) as { loop_var?: string; label?: string };
  return {
    kind: 'task',
    name: raw.name as string | undefined,
    module: p.module,
    args,
    argsRoot,
    when: p.when,
    loop: loopRaw,
    loopVar: lc.loop_var ?? 'item',
    loopLabel: lc.label,
    register: raw.register as string | undefined,
    notify: toList(raw.notify),
    listen: toList(raw.listen),
    tags: p.tags,
    checkMode: toBool(raw.check_mode),
    diff: toBool(raw.diff),
    ignoreErrors: toBool(raw.ignore_errors) ?? false,
    changedWhen:
      raw.changed_when === undefined
        ? undefined
        : conditions(raw.changed_when, locateValue(raw, 'changed_when'), issues),
    failedWhen:
      raw.failed_when === undefined
        ? undefined
        : conditions(raw.failed_when, locateValue(raw, 'failed_when'), issues),
    delegateTo: raw.delegate_to as string | undefined,
    runOnce: toBool(raw.run_once) ?? false,
    become: p.become,
    becomeUser: raw.become_user as string | undefined,
    environment: raw.environment as Record<string, unknown> | undefined,
    vars: { ...ctx.inherited.vars, taskVars: p.vars },
    roleDir: ctx.roleDir,
    baseDir: ctx.baseDir,
    source: p.at,
  };
}

/** Load a task file (include_tasks/import_tasks, role tasks/main.yml) as a list, schema-checked. */
export async function loadTaskFile(file: string, ctx: LoadContext): Promise<TaskItem[]> {
  if (ctx.depth > 20) throw new ConfigError(`${file}: includes nested more than 20 deep (a loop?)`);
  const doc = await readYamlFile(file);
  if (doc.value === null || doc.value === undefined) return [];
  const v = ajv.getSchema('playbook#/definitions/taskList');
  if (!v) throw new Error('playbook schema not loaded');
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
