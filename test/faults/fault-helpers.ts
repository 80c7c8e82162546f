/**
 * What every fault-matrix row checks, in one place: run the real CLI as a child process, read the
 * TXT records bind9 serves for a challenge name, and handshake with a host to see that it still
 * serves a valid certificate. The rows differ in the fault they inject, not in how they look.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { probeTls, type ProbeResult } from '../../src/delivery/tls-probe.js';

const ROOT = join(import.meta.dirname, '..', '..');
const LOADER = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const CLI = join(ROOT, 'src/cli/index.ts');

/** What a CLI run printed (stdout and stderr interleaved as they arrived) and how it ended. */
export interface CliRun {
  code: number;
  signal: NodeJS.Signals | null;
  out: string;
  seconds: number;
}

/** Options of {@link certfleet}. */
export interface CliOptions {
  cwd: string;
  env?: Record<string, string>;
  /** kill the child (SIGKILL) after this long; the run then resolves with `signal` set */
  timeoutMs?: number;
  /** called once the child is spawned (to send it a signal at the right moment) */
  onSpawn?: (child: ChildProcess) => void;
  /** called with each chunk of output (to react to a step being reached) */
  onOutput?: (text: string, child: ChildProcess) => void;
}

/** Run `certfleet ARGS` from the TypeScript sources, non-TTY, no colour. */
export function certfleet(args: string[], o: CliOptions): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', LOADER, CLI, ...args], {
      cwd: o.cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...o.env },
    });
    let out = '';
    const take = (c: Buffer) => {
      const text = c.toString();
      out += text;
      o.onOutput?.(text, child);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = o.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), o.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, signal, out, seconds: (Date.now() - started) / 1000 });
    });
    o.onSpawn?.(child);
  });
}

/** The lines of a run's output that report an error (fatal/failed/unreachable/error). */
export function errorLines(out: string): string[] {
  return out.split('\n').filter((l) => /fatal:|failed:|unreachable:|error:/i.test(l));
}

/** TXT records bind9 on 127.0.0.1:`port` serves for `name` (empty when cleaned up). */
export function txtRecords(port: number, name: string): string[] {
  const r = spawnSync(
    'dig',
    ['+short', '+time=2', '+tries=1', '-p', String(port), '@127.0.0.1', name, 'TXT'],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`dig ${name} TXT @127.0.0.1:${port} failed: ${r.stderr || r.stdout}`);
  return r.stdout.split('\n').filter((l) => l.trim() !== '');
}

/** Where a host serves TLS and what it must present. */
export interface ServeTarget {
  address: string;
  port: number;
  servername: string;
  /** PEM of the trusted root(s): the chain must verify against it for the name */
  ca: string;
}

/**
 * Handshake with the host and require a valid certificate: chain and name verify against `ca`, and
 * it is not expired. Returns what was served (the serial tells which certificate it is).
 */
export async function servesValidCert(t: ServeTarget): Promise<ProbeResult> {
  const seen = await probeTls({ ...t, timeoutMs: 5000 });
  if (!seen.authorized) {
    throw new Error(
      `${t.address}:${t.port} (${t.servername}) serves an invalid certificate: ${seen.authorizationError ?? 'unknown'}`,
    );
  }
  if (Date.parse(seen.notAfter) <= Date.now()) {
    throw new Error(`${t.address}:${t.port} serves an expired certificate (notAfter ${seen.notAfter})`);
  }
  return seen;
}
