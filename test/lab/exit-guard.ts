/**
 * Safety net: when a process exits with labs it never stopped (a test that forgot `stop()`, an
 * uncaught error), tear them down synchronously in the 'exit' hook, the only place left to run code.
 * Persistent labs (`lab:up`) are not guarded. A process killed by a signal cannot run this:
 * `lab:down` (stopAllLabs) covers that case through the state files.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { STATE_DIR } from './netns.js';
import type { LabState } from './types.js';

const guarded = new Map<string, LabState>();
let installed = false;

function inoOf(path: string): string | null {
  try {
    return String(statSync(path).ino);
  } catch {
    return null;
  }
}

/** Kill, unmount (by killing), delete network objects and files of a lab, without awaiting anything. */
export function teardownSync(state: LabState): void {
  const mnt = new Set(state.hosts.map((h) => h.mntNs).filter((x): x is string => x !== null));
  const net = new Set(
    state.hosts
      .map((h) => (h.netns ? inoOf(`/run/netns/${h.netns}`) : null))
      .filter((x): x is string => x !== null),
  );
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const m = inoOf(`/proc/${name}/ns/mnt`);
    const n = inoOf(`/proc/${name}/ns/net`);
    if ((m !== null && mnt.has(m)) || (n !== null && net.has(n))) {
      try {
        process.kill(Number(name), 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }
  const lines = state.hosts.flatMap((h) => (h.netns ? [`netns del ${h.netns}`] : []));
  if (state.bridge) lines.push(`link del ${state.bridge}`);
  if (lines.length > 0)
    spawnSync('ip', ['-force', '-batch', '-'], {
      input: lines.join('\n') + '\n',
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  if (state.subnet) rmSync(`${STATE_DIR}/net-${state.subnet}`, { force: true });
  if (state.ownsDir) rmSync(state.dir, { recursive: true, force: true, maxRetries: 2 });
  rmSync(`${STATE_DIR}/${state.id}.json`, { force: true });
}

/** Tear this lab down if the process exits before it is stopped. */
export function guardLab(state: LabState): void {
  guarded.set(state.id, state);
  if (installed) return;
  installed = true;
  process.once('exit', () => {
    for (const st of guarded.values()) {
      try {
        teardownSync(st);
      } catch {
        // best effort: lab:down finishes the job
      }
    }
  });
}

/** The lab was stopped normally. */
export function unguardLab(id: string): void {
  guarded.delete(id);
}
