/**
 * Output written within one turn of the event loop leaves in one write per stream, in order. A run
 * on 50 hosts emits a line per host per task, all in the same instant; on a pipe (CI logs, `| tee`)
 * each write is a system call that wakes the reader, which costs more than building the line.
 */
import type { Writable } from './plain.js';

/** stdout and stderr that batch their writes; `flush()` writes what is pending now. */
export interface BatchedStreams {
  out: Writable;
  err: Writable;
  flush(): void;
}

/** Batch `out` and `err` together, keeping the order of writes across both. */
export function batchedStreams(out: Writable, err: Writable): BatchedStreams {
  let pending: [Writable, string][] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    const queue = pending;
    pending = [];
    // consecutive writes to the same stream become one
    for (let i = 0; i < queue.length;) {
      const [stream] = queue[i];
      let text = '';
      for (; i < queue.length && queue[i][0] === stream; i++) text += queue[i][1];
      stream.write(text);
    }
  };
  const into = (stream: Writable): Writable => ({
    write: (s: string) => {
      pending.push([stream, s]);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
      return true;
    },
  });
  // process.exit() (a second Ctrl-C) must not lose what was already rendered
  process.once('exit', flush);
  return { out: into(out), err: into(err), flush };
}
