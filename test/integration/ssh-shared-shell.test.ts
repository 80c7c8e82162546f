/**
 * The persistent shell behind `shared` commands, against a lab host's real sshd: exact bytes both
 * ways (binary stdin/stdout that contain the framing bytes), exit codes, stderr kept apart, many jobs
 * on ONE channel, a concurrent command falling back to its own channel, an abort killing the job on
 * the host and the next job still working, and a shell killed on the host being replaced — for both
 * drivers (Perl, the default where the host has it, and POSIX sh).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshConnection } from '../../src/connections/ssh.js';
import { InterruptedError } from '../../src/errors.js';
import { startLab, type Lab, type LabHost } from '../lab/index.js';
import type { DriverKind } from '../../src/connections/remote-shell.js';
import { labConnection } from './module-helpers.js';

let lab: Lab;
let host: LabHost;
const opened: SshConnection[] = [];

function conn(remoteDriver: DriverKind): SshConnection {
  const c = labConnection(lab, host, { remoteDriver });
  opened.push(c);
  return c;
}

beforeAll(async () => {
  lab = await startLab({ hosts: [{ name: 'shell1', distro: 'debian', services: [] }] });
  host = lab.hosts[0];
});
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  await lab?.stop();
});

describe.each(['auto', 'sh'] as const)('shared commands (the persistent shell, %s driver)', (driver) => {
  it('keeps exact bytes, exit codes and stderr apart, all on one channel', async () => {
    const c = conn(driver);
    // bytes that look like the driver's markers, NULs, no trailing newline
    const blob = Buffer.concat([randomBytes(200_000), Buffer.from('\x1e\x1d\x1f\nready\n\x1e1 0\n')]);
    const r = await c.execRaw('cat; printf tail; echo oops >&2; exit 5', { stdin: blob, shared: true });
    expect(r.code).toBe(5);
    expect(r.stdout.equals(Buffer.concat([blob, Buffer.from('tail')]))).toBe(true);
    expect(r.stderr.toString()).toBe('oops\n');
    for (let i = 0; i < 30; i++) {
      const s = await c.exec(`printf %s ${i}; printf e${i} >&2`, { shared: true });
      expect(s).toMatchObject({ code: 0, stdout: String(i), stderr: `e${i}` });
    }
    // a job's `exit`, `set -e` and traps stay inside its subshell; driver variables do not leak out
    expect((await c.exec('set -e; false; echo never', { shared: true })).code).toBe(1);
    expect((await c.exec(`trap 'echo bye' EXIT; exit 0`, { shared: true })).stdout).toBe('bye\n');
    expect(c.stats.channels).toBe(1);
    expect(c.stats.execs).toBe(33);
    // the same commands on channels of their own count one channel each
    await c.exec('true');
    expect(c.stats.channels).toBe(2);
  });

  it('a second command while a job runs takes its own channel; both results are right', async () => {
    const c = conn(driver);
    await c.exec('true', { shared: true });
    const [a, b] = await Promise.all([
      c.exec('sleep 0.3; echo slow', { shared: true }),
      c.exec('echo quick', { shared: true }),
    ]);
    expect(a.stdout).toBe('slow\n');
    expect(b.stdout).toBe('quick\n');
    expect(c.stats.channels).toBe(2);
  });

  it('an abort kills the job on the host; the next shared command still works', async () => {
    const c = conn(driver);
    const marker = `/tmp/shared-abort-${process.pid}`;
    await c.exec(`rm -f ${marker}`, { shared: true });
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 300);
    await expect(
      c.exec(`sleep 5 && touch ${marker}`, { shared: true, signal: ac.signal }),
    ).rejects.toBeInstanceOf(InterruptedError);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await c.exec('echo alive', { shared: true })).stdout).toBe('alive\n');
    await new Promise((r) => setTimeout(r, 5500));
    // the killed job never reached its second command
    expect((await c.exec(`[ -e ${marker} ] && echo left || echo none`)).stdout).toBe('none\n');
  }, 20_000);

  it('a shell killed on the host is replaced; the command that saw it die runs on a channel', async () => {
    const c = conn(driver);
    // the sh driver runs a job in a subshell ($$ is the driver), the Perl driver through /bin/sh
    const pid = (await c.exec(driver === 'sh' ? 'echo $$' : 'echo $PPID', { shared: true })).stdout.trim();
    await c.exec(`kill -KILL ${pid}`);
    await new Promise((r) => setTimeout(r, 200));
    expect((await c.exec('echo again', { shared: true })).stdout).toBe('again\n');
    expect((await c.exec('echo and again', { shared: true })).stdout).toBe('and again\n');
  });
});
