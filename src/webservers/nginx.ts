/**
 * nginx: `nginx -t` tests, `nginx -s reload` reloads with the master pid unchanged. Certificates are
 * named by `ssl_certificate` (not `ssl_certificate_key`) in nginx.conf, conf.d and sites-enabled.
 */
import type { WebServerAdapter } from './adapter.js';
import { pathsAfter } from './config-scan.js';
import { nginxTlsSites } from './nginx-config.js';

/** The nginx adapter (same layout on Debian and Red Hat, except sites-enabled). */
export const nginxAdapter: WebServerAdapter = {
  kind: 'nginx',
  serviceNames: ['nginx'],
  packages: { Debian: 'nginx', RedHat: 'nginx' },
  binaries: ['nginx', '/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'],
  configs: ['/etc/nginx/nginx.conf', '/usr/local/nginx/conf/nginx.conf'],
  certFiles: ['/etc/nginx/nginx.conf', '/etc/nginx/conf.d/*.conf', '/etc/nginx/sites-enabled/*'],
  certGrep: '^[[:space:]]*ssl_certificate[[:space:]]',
  certPaths: (lines) => pathsAfter(lines, /\bssl_certificate\s+/),
  pidFiles: ['/run/nginx.pid', '/var/run/nginx.pid', '/usr/local/nginx/logs/nginx.pid'],
  comm: ['nginx'],
  version: '"$BIN" -v 2>&1',
  versionPattern: /nginx\/(\S+)/,
  testLabel: () => 'nginx -t',
  configTest: '"$BIN" -t -c "$CFG" 2>&1',
  // daemons keep inherited descriptors: detach their output or the SSH channel never closes
  start: '"$BIN" -c "$CFG" </dev/null >/dev/null 2>&1',
  stop: '"$BIN" -s quit -c "$CFG"',
  reload: '"$BIN" -s reload -c "$CFG"',
  // `nginx -s reload` parses the whole config only to find the pid file, then sends HUP
  reloadSignal: 'HUP',
  reloadKeepsPid: true,
  configRoot: (main) => main.slice(0, main.lastIndexOf('/')),
  rootShell: 'ROOT=${CFG%/*}',
  tlsSites: nginxTlsSites,
};
