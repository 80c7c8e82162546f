/**
 * The TTY renderer: listr2 draws each task with one line per host (spinner, then ok/changed/
 * skipped/failed), while play banners, diffs and the recap are printed between task lists.
 * Events arrive synchronously from the engine; drawing is queued so output stays in order.
 */
import { Listr, type ListrTask } from 'listr2';
import type { EventSink, HostStatus, RunEvent } from './events.js';
import { formatRecap, type Writable } from './plain.js';

interface HostLine {
  status?: HostStatus;
  msg?: string;
  items: string[];
  diffs: string[];
  done: Promise<void>;
  finish(): void;
}

/** An EventSink drawing with listr2; await `done()` before exiting so the last frame is drawn. */
export function ttyRenderer(out: Writable, err: Writable): EventSink & { done(): Promise<void> } {
  let queue: Promise<unknown> = Promise.resolve();
  let current: Map<string, HostLine> | undefined;
  const later = (fn: () => unknown): void => {
    queue = queue.then(fn).catch(() => undefined);
  };
  const closeTask = (): void => {
    if (!current) return;
    for (const line of current.values()) line.finish();
    current = undefined;
  };
  const startTask = (e: Extract<RunEvent, { event: 'task_start' }>): void => {
    const lines = new Map<string, HostLine>();
    for (const host of e.hosts) {
      let finish = (): void => undefined;
      const done = new Promise<void>((resolve) => (finish = resolve));
      lines.set(host, { items: [], diffs: [], done, finish });
    }
    current = lines;
    const hostTasks: ListrTask[] = [...lines].map(([host, line]) => ({
      title: host,
      task: async (_ctx, task) => {
        await line.done;
        const item = line.items.length ? ` (${line.items.length} items)` : '';
        const msg =
          line.msg && (line.status === 'failed' || e.module.endsWith('debug')) ? ` => ${line.msg}` : '';
        task.title = `${host}: ${line.status ?? 'ok'}${item}${msg}`;
        if (line.status === 'skipped') task.skip(`${host}: skipped`);
        if (line.status === 'failed' || line.status === 'unreachable')
          throw new Error(`${host}: ${line.status}${msg}`);
      },
    }));
    const title = `${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.task}]`;
    const list = new Listr(
      [{ title, task: (_ctx, t) => t.newListr(hostTasks, { concurrent: true, exitOnError: false }) }],
      {
        exitOnError: false,
        rendererOptions: { collapseSubtasks: false, collapseErrors: false },
      },
    );
    later(async () => {
      await list.run();
      for (const line of lines.values())
        for (const d of line.diffs) out.write(d.endsWith('\n') ? d : `${d}\n`);
    });
  };
  const sink = (e: RunEvent): void => {
    switch (e.event) {
      case 'play_start':
        closeTask();
        later(() => out.write(`\nPLAY [${e.play}]\n`));
        break;
      case 'task_start':
        closeTask();
        startTask(e);
        break;
      case 'host_result': {
        const line = current?.get(e.host);
        if (!line) break;
        // a loop reports once per item: the host's status is the worst of them
        const rank: HostStatus[] = [
          'skipped',
          'ok',
          'changed',
          'ignored',
          'rescued',
          'failed',
          'unreachable',
        ];
        if (!line.status || rank.indexOf(e.status) > rank.indexOf(line.status)) line.status = e.status;
        if (e.item !== undefined) line.items.push(e.item);
        if (e.msg) line.msg = e.msg;
        for (const d of e.diff ?? []) line.diffs.push(d.unified);
        break;
      }
      case 'warning':
        later(() => err.write(`[WARNING]: ${e.message}\n`));
        break;
      case 'recap':
        closeTask();
        later(() => out.write(formatRecap(e.hosts)));
        break;
      default:
        break;
    }
  };
  return Object.assign(sink, {
    done: async (): Promise<void> => {
      closeTask();
      await queue;
    },
  });
}
