/**
 * The demo's system prerequisites: the binaries it starts (bind9, Pebble, sshd, nginx, Apache,
 * HAProxy) and the tools the lab uses. Missing ones are installed with apt-get when we are root;
 * otherwise the one `apt-get install` line to run is printed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** binary → Debian package that ships it. */
export const DEMO_BINARIES: Record<string, string> = {
  named: 'bind9',
  pebble: 'pebble',
  sshd: 'openssh-server',
  nginx: 'nginx',
  apache2ctl: 'apache2',
  haproxy: 'haproxy',
  openssl: 'openssl',
  ip: 'iproute2',
  unshare: 'util-linux',
};

const PATHS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin'];

/** Is `bin` on PATH or in the usual system directories? */
export function hasBinary(bin: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(':'), ...PATHS];
  return dirs.some((d) => d !== '' && existsSync(`${d}/${bin}`));
}

/** Packages whose binaries are missing, in a stable order. */
export function missingPackages(): string[] {
  return [
    ...new Set(
      Object.entries(DEMO_BINARIES)
        .filter(([b]) => !hasBinary(b))
        .map(([, p]) => p),
    ),
  ];
}

/**
 * Make sure the prerequisites are there. Returns undefined when they are, else the message to print
 * (not root, or apt-get failed).
 */
export function ensurePrerequisites(log: (s: string) => void): string | undefined {
  const missing = missingPackages();
  if (missing.length === 0) return undefined;
  const line = `apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) return `missing packages; run as root:\n  ${line}`;
  log(`installing ${missing.join(', ')} with apt-get ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0) return `apt-get failed (exit ${r.status}); run:\n  ${line}`;
  // Debian starts the daemons it installs; the demo runs its own copies on other addresses
  for (const svc of ['nginx', 'apache2', 'haproxy', 'named', 'bind9']) {
    spawnSync('sh', ['-c', `command -v systemctl >/dev/null && systemctl stop ${svc} 2>/dev/null || true`]);
  }
  const still = missingPackages();
  return still.length ? `still missing after apt-get: ${still.join(' ')}` : undefined;
}
