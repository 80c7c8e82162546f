/**
 * Faults and checks for the rollback rows (6–9): a snapshot of what a delivery may touch on a host
 * (so "byte-identical after the rollback" is one comparison), a process holding a TCP port inside a
 * host's network namespace (a config that passes the server's test but cannot start), a dead admin
 * socket for HAProxy, and the recap counts of a run. Host commands go through `host.exec` (nsenter),
 * never over SSH, so they work whatever the fault does to the host.
 */
import { spawn } from 'node:child_process';
import type { LabHost } from '../lab/index.js';

/** Run a command inside the host; throws with its output unless it exits 0. */
export async function inHost(host: LabHost, cmd: string): Promise<string> {
  const r = await host.exec(cmd);
  if (r.code !== 0) throw new Error(`${host.name}: \`${cmd}\` failed (${r.code}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/**
 * sha256 of every regular file and the target of every symlink under `dirs` on the host, one line
 * each, sorted: two snapshots are equal only when nothing was added, removed or changed (links too,
 * which is how Debian enables sites and modules).
 */
export async function snapshot(host: LabHost, dirs: string[]): Promise<string> {
  return inHost(
    host,
    `for d in ${dirs.join(' ')}; do [ -d "$d" ] || continue; ` +
      `find "$d" -type f -exec sha256sum {} +; find "$d" -type l -printf '%l  %p\\n'; done | sort -k2`,
  );
}

/** A process listening on a TCP port inside a host's network namespace, started by the test. */
export interface HeldPort {
  pid: number;
  /** stop it (by its pid) and wait until it is gone */
  release(): Promise<void>;
}

/**
 * Listen on `port` (all addresses, without SO_REUSEPORT) inside the host's network namespace, as
 * another service on that host would: a server told to bind the same port passes its config test
 * (which binds nothing) and fails when it starts.
 */
export async function holdPort(host: LabHost, port: number): Promise<HeldPort> {
  const perl =
    '$s = IO::Socket::INET->new(LocalAddr => "0.0.0.0", LocalPort => $ARGV[0], Listen => 5, ReuseAddr => 1)' +
    ' or die "bind: $!\\n"; $| = 1; print "listening\\n"; sleep 3600;';
  // nsenter execs perl (no fork without -p), so the child's pid is the listener's own
  const child = spawn(
    'nsenter',
    [
      '-t',
      String(host.holderPid),
      '-n',
      '--',
      '/usr/bin/perl',
      '-MIO::Socket::INET',
      '-e',
      perl,
      String(port),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      if (c.toString().includes('listening')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`${host.name}: could not hold port ${port} (${code}): ${err}`)),
    );
    child.once('error', reject);
  });
  const pid = child.pid!;
  return {
    pid,
    async release() {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGTERM');
      await exited;
    },
  };
}

/**
 * Replace the host's HAProxy admin socket file by a socket nothing listens on (as after a crash of
 * the process that made it): it exists (`-S`) but every connection is refused.
 */
export async function deadSocket(host: LabHost, path: string): Promise<void> {
  await inHost(
    host,
    `rm -f ${path} && perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Local => $ARGV[0], Listen => 1) or die "$!\\n"' ${path} && test -S ${path}`,
  );
}

/** Counts of one host in the PLAY RECAP. */
export interface RecapCounts {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
}

/** The PLAY RECAP of a run's plain output, per host. */
export function recap(out: string): Record<string, RecapCounts> {
  const hosts: Record<string, RecapCounts> = {};
  const tail = out.slice(out.lastIndexOf('PLAY RECAP'));
  for (const m of tail.matchAll(
    /^(\S+)\s*: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)/gm,
  )) {
    const [ok, changed, unreachable, failed, skipped] = m.slice(2).map(Number);
    hosts[m[1]] = { ok, changed, unreachable, failed, skipped };
  }
  return hosts;
}
