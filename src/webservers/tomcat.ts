/**
 * Apache Tomcat: controlled by `catalina.sh` (Debian's tomcat9/10 packages and tarball installs
 * alike), with CATALINA_HOME the install and CATALINA_BASE the instance (Debian: /usr/share/tomcatN
 * and /var/lib/tomcatN, whose conf/ is /etc/tomcatN). No graceful reload: reload is a restart.
 * Certificates are the `certificateFile` attributes of `<Certificate>` in server.xml.
 */
import type { WebServerAdapter } from './adapter.js';
import { pathsAfter } from './config-scan.js';
import { tomcatTlsSites } from './tomcat-config.js';

/** The instance directory of a server.xml: `BASE/conf/server.xml`, or Debian's /etc/tomcatN → /var/lib/tomcatN. */
export function catalinaBase(serverXml: string): string {
  if (serverXml.endsWith('/conf/server.xml')) return serverXml.slice(0, -'/conf/server.xml'.length);
  const dir = serverXml.slice(0, serverXml.lastIndexOf('/'));
  return `/var/lib/${dir.slice(dir.lastIndexOf('/') + 1)}`;
}

// catalina.sh needs both directories; derived from the probed $BIN and $CFG as catalinaBase() does
const ENV =
  'case "$CFG" in */conf/server.xml) CB=${CFG%/conf/server.xml} ;; *) CB=${CFG%/*}; CB=/var/lib/${CB##*/} ;; esac; ' +
  'CATALINA_HOME=${BIN%/bin/catalina.sh} CATALINA_BASE=$CB';
const START = `${ENV} CATALINA_PID="\${PIDF:-/run/tomcat.pid}" "$BIN" start </dev/null >/dev/null 2>&1`;
const STOP = `${ENV} CATALINA_PID="$PIDF" "$BIN" stop 30 -force </dev/null >/dev/null 2>&1`;

/** The Tomcat adapter. */
export const tomcatAdapter: WebServerAdapter = {
  kind: 'tomcat',
  serviceNames: ['tomcat', 'tomcat9', 'tomcat10'],
  packages: { Debian: 'tomcat10', RedHat: 'tomcat' },
  binaries: [
    '/usr/share/tomcat10/bin/catalina.sh',
    '/usr/share/tomcat9/bin/catalina.sh',
    '/usr/share/tomcat/bin/catalina.sh',
    '/opt/tomcat/bin/catalina.sh',
  ],
  configs: [
    '/etc/tomcat10/server.xml',
    '/etc/tomcat9/server.xml',
    '/etc/tomcat/server.xml',
    '/opt/tomcat/conf/server.xml',
  ],
  certFiles: [
    '/etc/tomcat10/server.xml',
    '/etc/tomcat9/server.xml',
    '/etc/tomcat/server.xml',
    '/opt/tomcat/conf/server.xml',
  ],
  certGrep: 'certificateFile[[:space:]]*=',
  certPaths: (lines) => pathsAfter(lines, /\bcertificateFile\s*=\s*/),
  pidFiles: ['/run/tomcat.pid', '/run/tomcat10.pid', '/run/tomcat9.pid', '/opt/tomcat/temp/tomcat.pid'],
  comm: ['java'],
  version: '"$BIN" version 2>&1',
  versionPattern: /Server number:\s*(\S+)/,
  testLabel: () => 'catalina configtest',
  configTest: `${ENV} "$BIN" configtest 2>&1`,
  start: START,
  stop: STOP,
  reload: `${STOP}; ${START}`,
  reloadKeepsPid: false,
  configRoot: catalinaBase,
  rootShell:
    'case "$CFG" in */conf/server.xml) ROOT=${CFG%/conf/server.xml} ;; *) ROOT=${CFG%/*}; ROOT=/var/lib/${ROOT##*/} ;; esac',
  tlsSites: tomcatTlsSites,
};
