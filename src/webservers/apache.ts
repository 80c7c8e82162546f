/**
 * Apache httpd: `apache2` + `apache2ctl` on Debian, `httpd` + `apachectl` on Red Hat. `configtest`
 * checks, `-k graceful` reloads keeping the parent pid. Certificates: `SSLCertificateFile`.
 */
import type { WebServerAdapter } from './adapter.js';
import { apacheTlsSites } from './apache-config.js';
import { pathsAfter } from './config-scan.js';

/** Apache's ServerRoot from the main config path (Debian apache2.conf, RHEL conf/httpd.conf). */
function serverRoot(main: string): string {
  const dir = main.slice(0, main.lastIndexOf('/'));
  return dir.endsWith('/conf') ? dir.slice(0, -5) : dir;
}

/** The Apache adapter. `$BIN` is the control script (apache2ctl/apachectl), which reads envvars. */
export const apacheAdapter: WebServerAdapter = {
  kind: 'apache',
  serviceNames: ['apache2', 'httpd', 'apache'],
  packages: { Debian: 'apache2', RedHat: 'httpd' },
  binaries: [
    'apache2ctl',
    'apachectl',
    '/usr/sbin/apache2ctl',
    '/usr/sbin/apachectl',
    '/usr/local/apache2/bin/apachectl',
  ],
  configs: ['/etc/apache2/apache2.conf', '/etc/httpd/conf/httpd.conf', '/usr/local/apache2/conf/httpd.conf'],
  certFiles: [
    '/etc/apache2/apache2.conf',
    '/etc/apache2/sites-enabled/*',
    '/etc/apache2/conf-enabled/*',
    '/etc/apache2/mods-enabled/*.conf',
    '/etc/httpd/conf/httpd.conf',
    '/etc/httpd/conf.d/*.conf',
  ],
  certGrep: '^[[:space:]]*SSLCertificateFile[[:space:]]',
  certPaths: (lines) => pathsAfter(lines, /\bSSLCertificateFile\s+/),
  pidFiles: [
    '/run/apache2/apache2.pid',
    '/var/run/apache2/apache2.pid',
    '/run/httpd/httpd.pid',
    '/var/run/httpd/httpd.pid',
  ],
  comm: ['apache2', 'httpd'],
  version: '"$BIN" -v 2>&1',
  versionPattern: /Apache\/(\S+)/,
  testLabel: (family) => (family === 'RedHat' ? 'apachectl -t' : 'apache2ctl -t'),
  configTest: '"$BIN" -t 2>&1',
  start: '"$BIN" start </dev/null >/dev/null 2>&1',
  stop: '"$BIN" stop </dev/null >/dev/null 2>&1',
  reload: '"$BIN" -k graceful </dev/null >/dev/null 2>&1',
  reloadKeepsPid: true,
  // Red Hat's httpd: apachectl, /etc/httpd and its pid file are found first
  families: {
    RedHat: {
      binaries: [
        'apachectl',
        'apache2ctl',
        '/usr/sbin/apachectl',
        '/usr/sbin/apache2ctl',
        '/usr/local/apache2/bin/apachectl',
      ],
      configs: [
        '/etc/httpd/conf/httpd.conf',
        '/etc/apache2/apache2.conf',
        '/usr/local/apache2/conf/httpd.conf',
      ],
    },
  },
  configRoot: serverRoot,
  rootShell: 'ROOT=${CFG%/*}; ROOT=${ROOT%/conf}',
  tlsSites: (main, files) => apacheTlsSites(main, serverRoot(main), files),
};
