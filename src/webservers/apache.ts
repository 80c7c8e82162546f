/**
 * Apache httpd: `apache2` + `apache2ctl` on Debian, `httpd` + `apachectl` on Red Hat. `configtest`
 * checks, `-k graceful` reloads keeping the parent pid. Certificates: `SSLCertificateFile`.
 */
import type { WebServerAdapter } from './adapter.js';
import { pathsAfter } from './config-scan.js';

/** The Apache adapter. `$BIN` is the control script (apache2ctl/apachectl), which reads envvars. */
export const apacheAdapter: WebServerAdapter = {
  name: 'apache2',
  serviceNames: ['apache2', 'httpd', 'apache'],
  packages: { Debian: 'apache2', RedHat: 'httpd' },
  binaries: ['/usr/sbin/apache2ctl', '/usr/sbin/apachectl', '/usr/local/apache2/bin/apachectl'],
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
  configTest: '"$BIN" configtest 2>&1',
  start: '"$BIN" start </dev/null >/dev/null 2>&1',
  stop: '"$BIN" stop </dev/null >/dev/null 2>&1',
  reload: '"$BIN" -k graceful </dev/null >/dev/null 2>&1',
  reloadKeepsPid: true,
};
