/**
 * Process helpers for the lab: run a command and collect its output, check liveness through /proc
 * (a zombie counts as gone: PID 1 reaps late here), stop processes by PID and find every process that
 * lives in a given namespace. Hosts share one PID namespace, so /proc is the only reliable census.
 */
import { spawn } from 'node:child_process';
import { readFile, readdir, stat } from 'node:fs/promises';

/** Output of a finished command. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for {@link run}. */
export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/** A clean environment for commands run inside hosts (no vitest/npm variables, no pyenv). */
export const HOST_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
  USER: 'root',
  LOGNAME: 'root',
};

/**
 * Run a command to completion. Resolves on exit even when a daemon it started keeps the pipes open:
 * after exit the streams get a short grace period, then are dropped.
 */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd ?? '/',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => undefined); // EPIPE when the command does not read its input
    child.stdin.end(opts.input ?? '');
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs).unref();
    let settled = false;
    const finish = (code: number): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr });
    };
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      if (!settled) reject(err);
      settled = true;
    });
    child.on('close', (code, signal) => finish(code ?? (signal ? 128 : 1)));
    child.on('exit', (code, signal) => {
      // A daemonised grandchild may hold our pipes forever; do not wait for them.
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code ?? (signal ? 128 : 1));
      }, 200).unref();
    });
  });
}

/** Run a command and throw with its stderr when it fails. */
export async function runOk(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${(r.stderr || r.stdout).trim()}`);
  }
  return r.stdout;
}

/** True when the PID exists and is not a zombie. */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the parenthesised command name, which may itself contain spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Short command name of a live process, or null. */
export async function commOf(pid: number): Promise<string | null> {
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
  } catch {
    return null;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Send SIGTERM, wait up to `graceMs`, then SIGKILL; resolves once every PID is gone. */
export async function killAndWait(pids: number[], graceMs = 3000): Promise<void> {
  const signal = (sig: NodeJS.Signals, list: number[]): void => {
    for (const pid of list) {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM', pids);
  const deadline = Date.now() + graceMs;
  let left = pids;
  while (left.length > 0) {
    const alive = await Promise.all(left.map(isAlive));
    left = left.filter((_, i) => alive[i]);
    if (left.length === 0) return;
    if (Date.now() > deadline) {
      signal('SIGKILL', left);
      if (Date.now() > deadline + 5000) throw new Error(`processes did not exit: ${left.join(', ')}`);
    }
    await sleep(25);
  }
}

/**
 * Namespace identity (its nsfs inode) of a file such as /run/netns/X or /proc/PID/ns/net; stat
 * follows both the bind mount and the magic link to the same inode.
 */
export async function nsIdOf(path: string): Promise<string | null> {
  try {
    return String((await stat(path)).ino);
  } catch {
    return null;
  }
}

/**
 * Every live PID whose namespace of `kind` is one of `ids`, grouped by id. One pass over /proc
 * serves a whole lab.
 */
export async function pidsInNamespaces(
  kind: 'net' | 'mnt',
  ids: Set<string>,
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (ids.size === 0) return out;
  const entries = (await readdir('/proc')).filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid);
  await Promise.all(
    entries.map(async (n) => {
      const id = await nsIdOf(`/proc/${n}/ns/${kind}`);
      if (id === null || !ids.has(id)) return;
      const list = out.get(id) ?? [];
      list.push(Number(n));
      out.set(id, list);
    }),
  );
  return out;
}

/** Start time of a process (clock ticks since boot, field 22 of /proc/PID/stat): tells a reused pid apart. */
export async function startTimeOf(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state), so field 22 is fields[19].
    return Number(fields[19]);
  } catch {
    return null;
  }
}
