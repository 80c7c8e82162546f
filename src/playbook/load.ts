/**
 * Playbook loading: YAML with positions, JSON Schema for plays and task keywords, then the model
 * (roles, includes, handlers, vars_files) — every issue of every file is collected and thrown once as
 * a ConfigError, before any host is contacted.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { schemaValidator, validateWith } from '../config/validate.js';
import { warnIfSecretFileExposed } from '../config/secret-file.js';
import { locate, locateValue, readYamlFile } from '../config/yaml.js';
import { ConfigError, type Issue, type SourceLocation } from '../errors.js';
import { packageFile } from '../paths.js';
import { loadTaskFile, parseTaskList, type Inherited, type LoadContext } from './task.js';
import { checkTemplates, toBool, toList } from './values.js';
import type { Play, Playbook, Task, TaskItem } from './types.js';

/** The repo's own roles (shipped with the package), searched after `<playbook dir>/roles`. */
export const PROJECT_ROLES_DIR = packageFile('roles');

/** Load and validate a playbook file; throws ConfigError listing every issue found. */
export async function loadPlaybook(file: string): Promise<Playbook> {
  const path = resolve(file);
  const doc = await readYamlFile(path);
  const issues: Issue[] = validateWith(schemaValidator('playbook'), doc.value, {
    fallback: { file: path, line: 1, col: 1 },
  });
  if (issues.length) throw new ConfigError(issues);
  const dir = dirname(path);
  const plays: Play[] = [];
  for (const raw of doc.value as Record<string, unknown>[]) plays.push(await loadPlay(raw, dir, issues));
  if (issues.length) throw new ConfigError(issues);
  return { file: path, dir, plays };
}

async function loadPlay(raw: Record<string, unknown>, dir: string, issues: Issue[]): Promise<Play> {
  const at = locate(raw) ?? { file: dir, line: 1, col: 1 };
  const handlers: Task[] = [];
  const baseVars = { roleDefaults: {}, roleVars: {}, blockVars: {}, taskVars: {} };
  const playInh: Inherited = { when: [], tags: toList(raw.tags), become: toBool(raw.become), vars: baseVars };
  checkTemplates(raw.vars, locateValue(raw, 'vars'), issues);

  const ctx: LoadContext = {
    baseDir: dir,
    inherited: playInh,
    issues,
    depth: 0,
    loadRole: (name, where, inherited) => loadRole(name, where, inherited, dir, ctx, handlers),
  };
  const roleItems: TaskItem[] = [];
  for (const [i, r] of ((raw.roles ?? []) as (string | Record<string, unknown>)[]).entries()) {
    const spec = typeof r === 'string' ? { role: r } : r;
    const where = locateValue(raw.roles, i) ?? at;
    const whenList = toList(spec.when);
    const inh: Inherited = {
      when: [...playInh.when, ...whenList],
      tags: [...new Set([...playInh.tags, ...toList(spec.tags)])],
      become: toBool(spec.become) ?? playInh.become,
      vars: { ...baseVars, roleVars: (spec.vars ?? {}) as Record<string, unknown> },
    };
    roleItems.push(...(await ctx.loadRole(String(spec.role), where, inh)));
  }
  const section = (key: string) => parseTaskList(raw[key], ctx);
  const pre = await section('pre_tasks');
  const tasks = await section('tasks');
  const post = await section('post_tasks');
  const own = await section('handlers');
  for (const h of flatten(own)) handlers.push(h);

  const topics = new Set(handlers.flatMap((h) => [h.name ?? '', ...h.listen]));
  for (const t of flatten([...pre, ...roleItems, ...tasks, ...post, ...own])) {
    for (const n of t.notify) {
      if (!topics.has(n) && !n.includes('{{'))
        issues.push({ source: t.source, message: `notify: no handler named or listening to "${n}"` });
    }
  }
  const varsFiles: Record<string, unknown> = {};
  for (const [i, f] of toList(raw.vars_files).entries()) {
    const where = locateValue(raw.vars_files, i) ?? locateValue(raw, 'vars_files') ?? at;
    try {
      const d = await readYamlFile(resolve(dir, f));
      warnIfSecretFileExposed(d.file, d.value);
      if (d.value && typeof d.value === 'object' && !Array.isArray(d.value))
        Object.assign(varsFiles, d.value);
      else if (d.value !== null)
        issues.push({ source: where, message: `vars_files: ${f} must hold a mapping` });
    } catch (err) {
      if (err instanceof ConfigError)
        issues.push(
          ...err.issues.map((x) => ({
            ...x,
            source: x.message.startsWith('cannot read') ? where : x.source,
            message: x.message.startsWith('cannot read')
              ? `vars_files: cannot read ${f}: ${x.message.replace(/^cannot read file: /, '')}`
              : x.message,
          })),
        );
      else throw err;
    }
  }
  return {
    name: (raw.name as string | undefined) ?? String(raw.hosts),
    hosts: toList(raw.hosts).join(':'),
    vars: (raw.vars ?? {}) as Record<string, unknown>,
    varsFiles,
    gatherFacts: toBool(raw.gather_facts) ?? true,
    sections: [pre, [...roleItems, ...tasks], post],
    handlers,
    serial:
      raw.serial === undefined
        ? undefined
        : Array.isArray(raw.serial)
          ? raw.serial
          : [raw.serial as number | string],
    maxFailPercentage: raw.max_fail_percentage as number | undefined,
    anyErrorsFatal: toBool(raw.any_errors_fatal) ?? false,
    checkMode: toBool(raw.check_mode),
    diff: toBool(raw.diff),
    become: toBool(raw.become),
    environment: raw.environment as Record<string, unknown> | undefined,
    source: at,
  };
}

/** Every task of a list, blocks opened (handlers are plain tasks once flattened). */
export function flatten(items: TaskItem[]): Task[] {
  return items.flatMap((i) =>
    i.kind === 'task' ? [i] : [...flatten(i.block), ...flatten(i.rescue), ...flatten(i.always)],
  );
}

/** Find a role directory: `<playbook dir>/roles/NAME`, then the project's `roles/NAME`. */
export function findRole(name: string, playbookDir: string): string | undefined {
  return [join(playbookDir, 'roles', name), join(PROJECT_ROLES_DIR, name)].find((d) => existsSync(d));
}

async function optionalYaml(file: string, issues: Issue[]): Promise<Record<string, unknown>> {
  const f = ['.yml', '.yaml'].map((e) => file + e).find((p) => existsSync(p));
  if (!f) return {};
  try {
    const d = await readYamlFile(f);
    return (d.value ?? {}) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof ConfigError) issues.push(...err.issues);
    else throw err;
    return {};
  }
}

async function loadRole(
  name: string,
  where: SourceLocation,
  inherited: Inherited,
  playbookDir: string,
  ctx: LoadContext,
  handlers: Task[],
): Promise<TaskItem[]> {
  const roleDir = findRole(name, playbookDir);
  if (!roleDir) {
    ctx.issues.push({
      source: where,
      message: `role "${name}" not found in ${join(playbookDir, 'roles')} or ${PROJECT_ROLES_DIR}`,
    });
    return [];
  }
  const defaults = await optionalYaml(join(roleDir, 'defaults', 'main'), ctx.issues);
  const vars = await optionalYaml(join(roleDir, 'vars', 'main'), ctx.issues);
  const scope: Inherited = {
    ...inherited,
    vars: {
      ...inherited.vars,
      roleDefaults: { ...inherited.vars.roleDefaults, ...defaults },
      // role params (`roles: [{role: x, vars: ...}]`) win over the role's vars/main.yml
      roleVars: { ...vars, ...inherited.vars.roleVars },
    },
  };
  const roleCtx: LoadContext = { ...ctx, roleDir, baseDir: join(roleDir, 'tasks'), inherited: scope };
  const file = ['main.yml', 'main.yaml'].map((f) => join(roleDir, 'tasks', f)).find((p) => existsSync(p));
  const tasks = file ? await loadTaskFile(file, roleCtx) : [];
  const hfile = ['main.yml', 'main.yaml'].map((f) => join(roleDir, 'handlers', f)).find((p) => existsSync(p));
  if (hfile) {
    const hs = await loadTaskFile(hfile, {
      ...roleCtx,
      baseDir: join(roleDir, 'handlers'),
      inherited: { ...scope, when: [], tags: [] },
    });
    handlers.push(...flatten(hs));
  }
  return [{ kind: 'block', name: `role ${name}`, block: tasks, rescue: [], always: [], source: where }];
}
