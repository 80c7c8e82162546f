/**
 * One task (not a block or include) from its YAML mapping: module arguments (free form or mapping,
 * merged with `args:`) validated against the module's schema, conditions compiled, templates
 * syntax-checked, keywords normalised.
 */
import { locateValue } from '../config/yaml.js';
import type { SourceLocation } from '../errors.js';
import { getModule } from '../modules/registry.js';
import { parseFreeForm, validateModuleArgs } from './module-args.js';
import type { LoadContext } from './task.js';
import type { Task } from './types.js';
import { checkTemplates, conditions, toBool, toList } from './values.js';

/** What parseTask already worked out about the task. */
export interface TaskParts {
  module: string;
  value: unknown;
  modAt: SourceLocation;
  at: SourceLocation;
  when: string[];
  tags: string[];
  become?: boolean;
  vars: Record<string, unknown>;
}

/** Build the Task model, pushing every problem into `ctx.issues`. */
export function buildTask(raw: Record<string, unknown>, ctx: LoadContext, p: TaskParts): Task {
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
    noLog: toBool(raw.no_log) ?? false,
    environment: raw.environment as Record<string, unknown> | undefined,
    vars: { ...ctx.inherited.vars, taskVars: p.vars },
    roleDir: ctx.roleDir,
    baseDir: ctx.baseDir,
    source: p.at,
  };
}
