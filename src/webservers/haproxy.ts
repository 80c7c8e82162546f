/**
 * HAProxy: `haproxy -c -f CFG` checks. Debian's config has no `pidfile`, so we pass `-p`. A reload
 * starts a new process that takes the listening sockets over from the old one (`-x` the stats socket
 * when it exists) and tells it to finish (`-sf OLDPID`): the pid changes. Certificates: `crt` on
 * `bind` lines (a file or a directory of PEM bundles).
 */
import type { WebServerAdapter } from './adapter.js';
import { pathsAfter } from './config-scan.js';
import { haproxyTlsSites } from './haproxy-config.js';

const PIDF = '/run/haproxy.pid';

/** HAProxy's admin socket (the lab's and Debian's default). */
export const HAPROXY_ADMIN_SOCKET = '/run/haproxy/admin.sock';

/**
 * Shell test: does the stats socket at `sock` accept a connection? A stale socket file (nothing
 * listening) must not be passed to `-x`: the new process would exit ("Failed to get the sockets
 * from the old process") and the reload fail. perl is in every Debian/RHEL base system.
 */
export function socketAnswers(sock: string): string {
  return `[ -S ${sock} ] && perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Peer => $ARGV[0]) or exit 1' ${sock} 2>/dev/null`;
}

/** The HAProxy adapter. */
export const haproxyAdapter: WebServerAdapter = {
  kind: 'haproxy',
  serviceNames: ['haproxy'],
  packages: { Debian: 'haproxy', RedHat: 'haproxy' },
  binaries: ['haproxy', '/usr/sbin/haproxy', '/usr/local/sbin/haproxy'],
  configs: ['/etc/haproxy/haproxy.cfg'],
  certFiles: ['/etc/haproxy/haproxy.cfg', '/etc/haproxy/conf.d/*.cfg'],
  certGrep: '^[[:space:]]*bind[[:space:]].*[[:space:]]crt[[:space:]]',
  certPaths: (lines) => pathsAfter(lines, /\scrt\s+/),
  pidFiles: [PIDF, '/var/run/haproxy.pid'],
  comm: ['haproxy'],
  version: '"$BIN" -v 2>&1',
  versionPattern: /HAProxy version (\S+)/i,
  testLabel: () => 'haproxy -c',
  // no -q: it silences the alerts too, and the user would see "haproxy -c failed: " and no reason
  configTest: '"$BIN" -c -f "$CFG" 2>&1',
  start: `"$BIN" -D -f "$CFG" -p ${PIDF} </dev/null >/dev/null 2>&1`,
  stop: 'if [ -n "$PID" ]; then kill "$PID"; fi',
  reload:
    `S=; if ${socketAnswers(HAPROXY_ADMIN_SOCKET)}; then S="-x ${HAPROXY_ADMIN_SOCKET}"; fi; ` +
    // stderr stays: a failed reload says why (the daemonized process closes it, the channel ends)
    `"$BIN" -D -f "$CFG" -p ${PIDF} $S -sf $PID </dev/null >/dev/null`,
  reloadKeepsPid: false,
  configRoot: (main) => main.slice(0, main.lastIndexOf('/')),
  rootShell: 'ROOT=${CFG%/*}',
  tlsSites: haproxyTlsSites,
};
