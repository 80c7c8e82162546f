/**
 * Apache Tomcat: controlled by `catalina.sh` (Debian's tomcat9/10 packages and tarball installs
 * alike); it has no config test and no graceful reload, so reload is a restart. Certificates are the
 * `certificateFile` attributes of `<Certificate>` in server.xml.
 */
import type { WebServerAdapter } from './adapter.js';
import { pathsAfter } from './config-scan.js';

/** The Tomcat adapter. */
export const tomcatAdapter: WebServerAdapter = {
  name: 'tomcat',
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
  configTest: '"$BIN" configtest 2>&1',
  start: 'CATALINA_PID="${PIDF:-/run/tomcat.pid}" "$BIN" start </dev/null >/dev/null 2>&1',
  stop: 'CATALINA_PID="$PIDF" "$BIN" stop 30 -force </dev/null >/dev/null 2>&1',
  reload:
    'CATALINA_PID="$PIDF" "$BIN" stop 30 -force </dev/null >/dev/null 2>&1; ' +
    'CATALINA_PID="${PIDF:-/run/tomcat.pid}" "$BIN" start </dev/null >/dev/null 2>&1',
  reloadKeepsPid: false,
};
