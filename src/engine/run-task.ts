/**
 * One task on one host: conditions, loop, argument rendering and validation, the module call, then
 * changed_when/failed_when, register, notify and facts. Failures are data here (an outcome), so the
 * play runner decides about rescue, ignore_errors and aborting.
 */
import { join } from 'node:path';
import type { Connection } from '../connections/connection.js';
import {
  CertfleetError,
  ConnectionError,
  formatIssue,
  formatLocation,
  LockError,
  messageOf,
  ModuleError,
} from '../errors.js';
import { getModule } from '../modules/registry.js';
import type { ModuleResult } from '../modules/types.js';
import { redact, redactValue, registerSecret } from '../output/redact.js';
import type { EventSink, HostStatus } from '../output/events.js';
import { coerceArgs, validateModuleArgs } from '../playbook/module-args.js';
import type { Play, Task } from '../playbook/types.js';
import { evaluateAll } from '../template/condition.js';
import type { HostState, RunScope } from './host-state.js';
import { TemplateError, renderString, renderValue } from '../template/render.js';

const NO_LOG = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

/** Everything a task needs from the run around it. */
export interface TaskEnv {
  play: Play;
  scope: RunScope;
  emit: EventSink;
  check: boolean;
  diff: boolean;
  /** the control node, for `delegate_to: localhost` and control-node modules */
  local: Connection;
  /** aborted only on a hard interrupt; in-flight modules may stop early */
  signal: AbortSignal;
  /**
   * aborted on the first interrupt. Control-node modules stop on it: their waits (DNS propagation,
   * ACME polling) can last minutes, and stopping them rolls back cleanly (TXT records removed), while
   * work in flight on hosts is short and finishes.
   */
  softSignal?: AbortSignal;
  warn(message: string): void;
}

/** The result of a task on a host, before rescue/ignore_errors are applied. */
export interface TaskOutcome {
  status: 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';
  msg?: string;
  data: Record<string, unknown>;
  /** the failure came from the playbook itself (undefined variable, bad expression): exit 4 */
  badInput?: boolean;
  /** another run holds a lock this task needs (a certificate being issued): exit 6, retry later */
  locked?: boolean;
  /** what the user can do about the failure, from the error */
  hint?: string;
}

/** The name shown for a task: `role : name`, or the module name when unnamed. */
export function taskLabel(t: Task): string {
  const base = t.name ?? t.module;
  return t.roleDir ? `${t.roleDir.split('/').pop()} : ${base}` : base;
}

/** Run `t` on `h` (every loop item), emit one host_result per item, update register/notify/facts. */
export async function runTaskOnHost(t: Task, h: HostState, env: TaskEnv): Promise<TaskOutcome> {
  const label = taskLabel(t);
  const where = formatLocation(t.source);
  const vars = h.taskVars(env.play, t, env.scope);
  const report = (o: TaskOutcome, item?: unknown, diff?: ModuleResult['diff']): void => {
    const status: HostStatus = o.status === 'failed' && t.ignoreErrors ? 'ignored' : o.status;
    if (t.noLog) {
      env.emit({
        event: 'host_result',
        task: label,
        host: h.name,
        status,
        msg: NO_LOG,
        result: { censored: NO_LOG },
      });
      return;
    }
    env.emit({
      event: 'host_result',
      task: label,
      host: h.name,
      status,
      msg: o.msg === undefined ? undefined : redact(o.msg),
      hint: o.hint === undefined ? undefined : redact(o.hint),
      item: item === undefined ? undefined : redact(itemLabel(t, item, vars)),
      delegated_to: t.delegateTo,
      diff: diff?.map((d) => ({ path: d.path, unified: redact(d.unified) })),
      result: redactValue(o.data),
    });
  };
  const fail = (err: unknown): TaskOutcome => {
    const bad = err instanceof TemplateError;
    const msg = bad ? `${where}: ${messageOf(err)}` : messageOf(err);
    return {
      status: err instanceof ConnectionError ? 'unreachable' : 'failed',
      msg,
      data: { failed: true, msg },
      badInput: bad,
      locked: err instanceof LockError,
      hint: err instanceof CertfleetError ? err.hint : undefined,
    };
  };

  let outcome: TaskOutcome;
  try {
    if (t.loop === undefined) {
      if (!evaluateAll(t.when, vars)) {
        outcome = { status: 'skipped', data: { skipped: true, changed: false } };
        report(outcome);
      } else {
        const r = await execute(t, h, vars, env);
        report(r.outcome, undefined, r.diff);
        outcome = r.outcome;
      }
    } else {
      const items = renderValue(t.loop, vars);
      if (!Array.isArray(items)) throw new TemplateError(`loop must be a list, got ${JSON.stringify(items)}`);
      const results: Record<string, unknown>[] = [];
      let changed = false;
      let failed: TaskOutcome | undefined;
      for (const item of items) {
        const iv = { ...vars, [t.loopVar]: item };
        let o: TaskOutcome;
        let diff: ModuleResult['diff'];
        if (!evaluateAll(t.when, iv)) o = { status: 'skipped', data: { skipped: true, changed: false } };
        else ({ outcome: o, diff } = await execute(t, h, iv, env));
        report(o, item, diff);
        results.push({ ...o.data, [t.loopVar]: item });
        changed ||= o.status === 'changed';
        if (o.status === 'unreachable') return o;
        if (o.status === 'failed') failed ??= o;
      }
      const all = results.length > 0 && results.every((r) => r.skipped === true);
      const data = {
        results,
        changed,
        failed: !!failed,
        skipped: all,
        msg: failed?.msg ?? 'All items completed',
      };
      outcome = failed
        ? { ...failed, data }
        : { status: all || !items.length ? 'skipped' : changed ? 'changed' : 'ok', data };
    }
  } catch (err) {
    outcome = fail(err);
    report(outcome);
  }
  if (t.register && outcome.status !== 'unreachable') h.hostFacts[t.register] = outcome.data;
  // hostvars.<host> shows inventory vars, facts, set_fact and registered values, as in Ansible
  env.scope.hostvars[h.name] = { ...h.inventoryVars, ...h.factVars(), ...h.hostFacts };
  if (outcome.status === 'changed') for (const n of t.notify) h.notified.add(renderString(n, vars));
  return outcome;
}

/** The `environment:` keyword: every command the module runs gets these variables (task's win). */
function withEnvironment(conn: Connection, environment: Record<string, unknown>): Connection {
  const vars = Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, String(v)]));
  return {
    host: conn.host,
    exec: (cmd, opts = {}) => conn.exec(cmd, { ...opts, env: { ...vars, ...opts.env } }),
    put: (content, path, opts) => conn.put(content, path, opts),
    fetch: (path, opts) => conn.fetch(path, opts),
    // the host's connection is closed by the engine at the end of the run, not per task
    close: () => Promise.resolve(),
  };
}

function itemLabel(t: Task, item: unknown, vars: Record<string, unknown>): string {
  if (t.loopLabel) return renderString(t.loopLabel, { ...vars, [t.loopVar]: item });
  return typeof item === 'string' ? item : JSON.stringify(item);
}

/** The module call a task makes on a host: validated arguments, the connection, become. */
interface Call {
  def: NonNullable<ReturnType<typeof getModule>>;
  args: Record<string, unknown>;
  check: boolean;
  diff: boolean;
  local: boolean;
  conn: Connection;
  become: boolean;
}

function prepareCall(t: Task, h: HostState, vars: Record<string, unknown>, env: TaskEnv): Call {
  const def = getModule(t.module)!;
  const args = coerceArgs(def, renderValue(t.args, vars) as Record<string, unknown>);
  const issues = validateModuleArgs(def, args, { fallback: t.source }, true);
  if (issues.length)
    throw new TemplateError(
      issues.map((i) => `${t.module}: ${formatIssue({ ...i, source: undefined })}`).join('; '),
    );
  for (const p of def.secretParams ?? []) registerSecret(args[p]);
  const check = t.checkMode ?? env.check;
  const diff = t.diff ?? env.play.diff ?? env.diff;
  // a module without check support is skipped in check mode before anything else is decided
  if (check && def.checkMode === 'none')
    return { def, args, check, diff, local: false, conn: env.local, become: false };
  const local = !!def.controlNode || t.delegateTo === 'localhost' || t.delegateTo === '127.0.0.1';
  if (t.delegateTo && !local)
    throw new TemplateError(`delegate_to: only "localhost" is supported, got "${t.delegateTo}"`);
  const target = local ? env.local : h.connection(vars);
  const environment = { ...env.play.environment, ...t.environment };
  const conn = Object.keys(environment).length
    ? withEnvironment(target, renderValue(environment, vars) as Record<string, unknown>)
    : target;
  const become = t.become ?? env.play.become ?? vars.ansible_become === true;
  // the connection contract knows root-or-not only; say so rather than run as the wrong user silently
  if (become && t.becomeUser && t.becomeUser !== 'root')
    env.warn(`become_user "${t.becomeUser}" is not supported yet: "${taskLabel(t)}" runs as root`);
  return { def, args, check, diff, local, conn, become };
}

/** What the module did, as register sees it; a module's own failure is data, not an exception. */
interface Called {
  result: ModuleResult;
  status: TaskOutcome['status'];
  msg?: string;
  data: Record<string, unknown>;
  locked?: boolean;
  hint?: string;
}

async function callModule(
  t: Task,
  h: HostState,
  vars: Record<string, unknown>,
  env: TaskEnv,
  c: Call,
): Promise<Called> {
  const base = env.scope.playbookDir;
  const role = t.roleDir;
  try {
    const result = await c.def.run({
      params: c.args,
      host: h.name,
      vars,
      facts: h.facts,
      conn: c.conn,
      check: c.check,
      diff: c.diff,
      become: c.become,
      searchPaths: {
        files: [...(role ? [join(role, 'files')] : []), join(base, 'files'), t.baseDir, base],
        templates: [...(role ? [join(role, 'templates')] : []), join(base, 'templates'), t.baseDir, base],
      },
      playbookDir: base,
      render: (s: string) => renderString(s, vars),
      warn: (m: string) => env.warn(m),
      signal: c.local && env.softSignal ? AbortSignal.any([env.signal, env.softSignal]) : env.signal,
    });
    for (const w of result.warnings ?? []) env.warn(w);
    return {
      result,
      status: result.skipped ? 'skipped' : result.changed ? 'changed' : 'ok',
      msg: result.msg,
      data: {
        changed: result.changed,
        failed: false,
        ...(result.msg === undefined ? {} : { msg: result.msg }),
        ...result.data,
      },
    };
  } catch (err) {
    if (err instanceof ConnectionError || !(err instanceof CertfleetError) || err instanceof TemplateError)
      throw err;
    const msg = err.format();
    return {
      result: { changed: false },
      status: 'failed',
      msg,
      data: { changed: false, failed: true, msg, ...(err instanceof ModuleError ? err.data : {}) },
      locked: err instanceof LockError,
      hint: err.hint,
    };
  }
}

/** changed_when / failed_when, evaluated with the result registered (or merged when not). */
function applyConditions(t: Task, vars: Record<string, unknown>, r: Called): void {
  if (!t.changedWhen && !t.failedWhen) return;
  const cv = t.register ? { ...vars, [t.register]: r.data } : { ...vars, ...r.data };
  if (t.changedWhen && r.status !== 'failed' && r.status !== 'skipped') {
    r.status = evaluateAll(t.changedWhen, cv) ? 'changed' : 'ok';
    r.data.changed = r.status === 'changed';
  }
  if (t.failedWhen && r.status !== 'skipped') {
    const failed = evaluateAll(t.failedWhen, cv);
    if (failed && r.status !== 'failed') r.msg = `failed_when: ${t.failedWhen.join(' and ')}`;
    r.status = failed
      ? 'failed'
      : r.status === 'failed'
        ? r.data.changed === true
          ? 'changed'
          : 'ok'
        : r.status;
    r.data.failed = failed;
  }
}

async function execute(
  t: Task,
  h: HostState,
  vars: Record<string, unknown>,
  env: TaskEnv,
): Promise<{ outcome: TaskOutcome; diff?: ModuleResult['diff'] }> {
  const call = prepareCall(t, h, vars, env);
  if (call.check && call.def.checkMode === 'none')
    return {
      outcome: {
        status: 'skipped',
        msg: 'skipped: module does not support check mode',
        data: { skipped: true, changed: false },
      },
    };
  const r = await callModule(t, h, vars, env, call);
  applyConditions(t, vars, r);
  const facts = r.data.ansible_facts as Record<string, unknown> | undefined;
  if (facts && r.status !== 'failed')
    Object.assign(t.module.endsWith('set_fact') ? h.hostFacts : h.facts, facts);
  const failed = r.status === 'failed';
  const outcome: TaskOutcome = {
    status: r.status,
    msg: r.msg,
    data: r.data,
    ...(r.locked && failed ? { locked: true } : {}),
    ...(r.hint && failed ? { hint: r.hint } : {}),
  };
  return { outcome, diff: call.diff ? r.result.diff : undefined };
}
