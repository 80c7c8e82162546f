/**
 * One play with Ansible's linear strategy: every host of the batch finishes task N (hosts in
 * parallel, up to `forks`) before task N+1 starts. Linear keeps run_once, any_errors_fatal,
 * max_fail_percentage and handler flushes exactly as Ansible users expect; per-task parallelism
 * already hides SSH latency. Blocks run their rescue for the hosts that failed and always for all.
 */
import type { Play, Task, TaskItem } from '../playbook/types.js';
import { formatLocation } from '../errors.js';
import { getModule } from '../modules/registry.js';
import type { HostState } from './host-state.js';
import { runTaskOnHost, taskLabel, type TaskEnv, type TaskOutcome } from './run-task.js';
import type { Stats } from './stats.js';
import { tagsSelected } from './tags.js';

/** What the play runner needs beyond a task's environment. */
export interface PlayEnv extends TaskEnv {
  stats: Stats;
  forks: number;
  tags: string[];
  skipTags: string[];
  /** soft interrupt (first SIGINT): start nothing new */
  interrupted(): boolean;
  /** set when the run must stop (any_errors_fatal, max_fail_percentage, all hosts failed) */
  abort: boolean;
  /** set when a failure came from the playbook itself (undefined variable, bad expression) */
  badInput: boolean;
  /** set when a task failed on another run's lock */
  locked?: boolean;
}

/** Run `items` for up to `limit` hosts at once. */
export async function mapLimit<T>(items: T[], limit: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Split hosts into serial batches: sizes are counts or percentages, the last one repeats. */
export function batches<T>(hosts: T[], serial: (number | string)[] | undefined): T[][] {
  if (!serial?.length) return [hosts];
  const out: T[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const s = String(serial[Math.min(k++, serial.length - 1)]);
    const n = s.endsWith('%') ? Math.floor((hosts.length * parseFloat(s)) / 100) : parseInt(s, 10);
    const size = Math.max(1, n || 1);
    out.push(hosts.slice(i, i + size));
    i += size;
  }
  return out;
}

/** Run a play on its hosts, batch after batch. */
export async function runPlay(play: Play, hosts: HostState[], env: PlayEnv): Promise<void> {
  for (const batch of batches(hosts, play.serial)) {
    if (env.abort || env.interrupted()) return;
    if (play.gatherFacts && getModule('setup')) await runTask(implicitSetup(play), batch, env, false, batch);
    for (const section of play.sections) {
      await runList(section, batch, env, false, batch);
      if (env.abort || env.interrupted()) return;
      await flushHandlers(play, batch, env, batch);
    }
    if (batch.every((h) => !h.alive)) env.abort = true;
  }
}

function implicitSetup(play: Play): Task {
  return {
    kind: 'task',
    name: 'Gathering Facts',
    module: 'setup',
    args: {},
    when: [],
    loopVar: 'item',
    notify: [],
    listen: [],
    tags: ['always'],
    ignoreErrors: false,
    runOnce: false,
    noLog: false,
    baseDir: '.',
    source: play.source,
    vars: { roleDefaults: {}, roleVars: {}, blockVars: {}, taskVars: {} },
  };
}

async function runList(
  items: TaskItem[],
  hosts: HostState[],
  env: PlayEnv,
  rescuable: boolean,
  batch: HostState[],
): Promise<void> {
  for (const item of items) {
    if (env.abort || env.interrupted()) return;
    if (item.kind === 'task') {
      await runTask(item, hosts, env, rescuable, batch);
      continue;
    }
    const entering = hosts.filter((h) => h.alive);
    if (!entering.length) continue;
    await runList(item.block, entering, env, rescuable || item.rescue.length > 0, batch);
    if (item.rescue.length) {
      const failed = entering.filter((h) => h.failed && !h.unreachable);
      for (const h of failed) h.failed = false;
      await runList(item.rescue, failed, env, rescuable, batch);
      for (const h of failed) if (!h.failed) env.stats.of(h.name).rescued++;
    }
    if (item.always.length) {
      const going = entering.filter((h) => !h.unreachable);
      const before = new Map(going.map((h) => [h, h.failed]));
      for (const h of going) h.failed = false;
      await runList(item.always, going, env, rescuable, batch);
      for (const h of going) h.failed ||= before.get(h)!;
    }
  }
}

async function runTask(
  t: Task,
  hosts: HostState[],
  env: PlayEnv,
  rescuable: boolean,
  batch: HostState[],
  handler = false,
): Promise<void> {
  if (!handler && !tagsSelected(t.tags, env.tags, env.skipTags)) return;
  if (t.module === 'meta') {
    await flushHandlers(env.play, hosts, env, batch);
    return;
  }
  const targets = hosts.filter((h) => h.alive);
  if (!targets.length) return;
  env.emit({
    event: 'task_start',
    task: taskLabel(t),
    module: t.module,
    source: formatLocation(t.source),
    handler,
    hosts: (t.runOnce ? targets.slice(0, 1) : targets).map((h) => h.name),
  });
  const apply = (h: HostState, o: TaskOutcome, count = true): void => {
    if (o.badInput) env.badInput = true;
    if (o.locked) env.locked = true;
    if (o.status === 'unreachable') {
      h.unreachable = true;
      env.stats.count(h.name, 'unreachable');
    } else if (o.status === 'failed' && t.ignoreErrors) {
      // Ansible counts an ignored failure as ok + ignored (+ changed when the result says so)
      if (count) {
        env.stats.count(h.name, o.data.changed === true ? 'changed' : 'ok');
        env.stats.count(h.name, 'ignored');
      }
    } else if (o.status === 'failed') {
      h.failed = true;
      if (!rescuable) env.stats.count(h.name, 'failed');
    } else if (count) env.stats.count(h.name, o.status);
  };
  if (t.runOnce) {
    const first = targets[0];
    const o = await runTaskOnHost(t, first, env);
    apply(first, o);
    // Ansible gives every host of the batch the run_once result (register, failure) but counts it once
    for (const h of targets.slice(1)) {
      if (t.register) h.hostFacts[t.register] = o.data;
      if (o.status === 'failed' || o.status === 'changed') apply(h, o, false);
      if (o.status === 'changed') for (const n of t.notify) h.notified.add(n);
    }
  } else {
    await mapLimit(targets, env.forks, async (h) => apply(h, await runTaskOnHost(t, h, env)));
  }
  if (rescuable) return;
  const failedNow = targets.filter((h) => h.failed);
  if (env.play.anyErrorsFatal && failedNow.length) env.abort = true;
  const pct = env.play.maxFailPercentage;
  if (pct !== undefined && (batch.filter((h) => !h.alive).length * 100) / batch.length > pct)
    env.abort = true;
}

async function flushHandlers(
  play: Play,
  hosts: HostState[],
  env: PlayEnv,
  batch: HostState[],
): Promise<void> {
  for (const hd of play.handlers) {
    if (env.interrupted() || env.abort) return;
    const keys = [hd.name, ...hd.listen].filter((k): k is string => !!k);
    const targets = hosts.filter((h) => h.alive && keys.some((k) => h.notified.has(k)));
    if (!targets.length) continue;
    // clear first: a handler that notifies itself must not loop
    for (const h of targets) for (const k of keys) h.notified.delete(k);
    await runTask(hd, targets, env, false, batch, true);
  }
}
