/**
 * A lock file per certificate so two runs never order the same certificate at once: created with
 * O_EXCL holding `pid host time`; a lock whose process is gone (or a zombie) on this host is stale
 * and taken over. Another live holder → LockError (exit 6) naming its pid.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { LockError } from '../errors.js';
import type { HeldLock } from './types.js';

/** Is `pid` a live (non-zombie) process on this machine? */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // killed processes linger as zombies until reaped: they hold nothing
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Take the lock at `path` (what = what it protects, for the message). */
export async function acquireLock(path: string, what: string): Promise<HeldLock> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o600);
      await fh.writeFile(`${process.pid} ${hostname()} ${new Date().toISOString()}\n`);
      await fh.close();
      let released = false;
      return {
        path,
        release: async () => {
          if (released) return;
          released = true;
          await rm(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue; // released meanwhile: try again
    }
    const [pidText, host, since] = text.trim().split(' ');
    const pid = Number(pidText);
    if (host === hostname() && !pidAlive(pid)) {
      await rm(path, { force: true }); // stale: its process is gone
      continue;
    }
    throw new LockError(`${what} is locked by pid ${pid} on ${host ?? '?'} since ${since ?? '?'} (${path})`, {
      hint: 'another certfleet run is working on it; wait for it to finish (a lock of a dead process is taken over)',
    });
  }
  throw new LockError(`could not take the lock ${path} for ${what}`);
}
