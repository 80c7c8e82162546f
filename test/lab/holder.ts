/**
 * The namespace holder of a lab host: `unshare --mount --uts` (inside the host's network namespace),
 * a shell that configures the network, mounts the /etc overlay and the bind mounts, sets the hostname,
 * says "ready", then execs `sleep infinity`. It keeps the namespaces alive whatever happens to sshd or
 * the web servers, and every later `nsenter -t HOLDER` lands in the same host.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { shellQuote } from '../../src/connections/connection.js';
import { HOST_BINDS } from './host-dir.js';
import { insideNetworkBatch } from './netns.js';
import { HOST_ENV } from './proc.js';

/** Where a holder runs. */
export interface HolderSpec {
  dir: string;
  name: string;
  /** network namespace name (null: share the control node's network) */
  netns: string | null;
  ip: string;
  controlIp: string;
}

/** The holder's setup script. */
export function holderScript(spec: HolderSpec): string {
  const q = shellQuote;
  const lines = ['set -e'];
  if (spec.netns) lines.push(`ip -batch - <<'EOF'\n${insideNetworkBatch(spec.ip, spec.controlIp)}\nEOF`);
  lines.push(
    `mount -t overlay cfl-etc -o ${q(`lowerdir=/etc,upperdir=${join(spec.dir, 'etc-upper')},workdir=${join(spec.dir, 'etc-work')}`)} /etc`,
  );
  for (const [src, target] of HOST_BINDS) lines.push(`mount --bind ${q(join(spec.dir, src))} ${target}`);
  lines.push(`hostname ${q(spec.name)}`, 'echo ready', 'exec sleep infinity');
  return lines.join('\n');
}

/** Start a holder and wait for "ready"; returns its pid (the `sleep`, after the chain of execs). */
export function startHolder(spec: HolderSpec): Promise<number> {
  const unshare = [
    'unshare',
    '--mount',
    '--uts',
    '--propagation',
    'private',
    '--',
    '/bin/sh',
    '-c',
    holderScript(spec),
  ];
  const [cmd, ...args] = spec.netns
    ? ['nsenter', `--net=/run/netns/${spec.netns}`, '--', ...unshare]
    : unshare;
  return new Promise((resolve, reject) => {
    // Detached: holders outlive `npm run lab:up`; stdout is only read until "ready".
    const child = spawn(cmd, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: HOST_ENV,
      cwd: '/',
    });
    let out = '';
    let err = '';
    const finish = (): void => {
      child.stdout.destroy();
      child.stderr.destroy();
      child.removeAllListeners('exit');
      child.unref();
    };
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('ready\n') && child.pid !== undefined) {
        finish();
        resolve(child.pid);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      reject(new Error(`lab: ${spec.name}: namespace setup failed (${code}): ${err.trim()}`)),
    );
  });
}
