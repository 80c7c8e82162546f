/**
 * Config-test and reload commands of each web server kind, by OS family. The commands work with or
 * without an init system: they talk to the running daemon through its own control path (nginx's pid
 * file, apachectl, HAProxy's `-sf` seamless reload), which is also what the init scripts do. A
 * playbook can override both (`test_command`, `reload_command`), e.g. with `systemctl reload nginx`.
 */

import { HAPROXY_ADMIN_SOCKET, socketAnswers } from '../webservers/haproxy.js';

/** Server kinds the transaction knows. */
export type ServerKind = 'nginx' | 'apache' | 'haproxy' | 'tomcat';

/** How to test and reload one server kind. */
export interface ServerCommands {
  /** label used in messages (`nginx -t failed: ...`) */
  testLabel: string;
  test: string;
  reload: string;
}

/** OS family from facts (`ansible_os_family`), `Debian` when unknown. */
export function osFamily(facts: Record<string, unknown>, vars: Record<string, unknown>): string {
  const f = facts.ansible_os_family ?? vars.ansible_os_family;
  return typeof f === 'string' && f !== '' ? f : 'Debian';
}

const HAPROXY_CFG = '/etc/haproxy/haproxy.cfg';

/** Default commands for a server kind on an OS family. */
export function serverCommands(
  kind: ServerKind,
  family: string,
  opts: { haproxyCfg?: string; catalinaBase?: string } = {},
): ServerCommands {
  const rh = family === 'RedHat';
  switch (kind) {
    case 'nginx':
      return { testLabel: 'nginx -t', test: 'nginx -t', reload: 'nginx -s reload' };
    case 'apache': {
      const ctl = rh ? 'apachectl' : 'apache2ctl';
      return { testLabel: `${ctl} -t`, test: `${ctl} -t`, reload: `${ctl} -k graceful` };
    }
    case 'haproxy': {
      const cfg = opts.haproxyCfg ?? HAPROXY_CFG;
      // -x hands the listening sockets over so no connection is refused during the reload; only when
      // the socket answers: with a stale socket file (a refused connection) the new process would exit
      const sock = HAPROXY_ADMIN_SOCKET;
      const reload =
        `p=$(cat /run/haproxy.pid 2>/dev/null); ` +
        `if ${socketAnswers(sock)}; then x='-x ${sock}'; else x=''; fi; ` +
        `haproxy -f ${cfg} -p /run/haproxy.pid $x -sf $p`;
      // no -q: it silences the alerts too, and the user would see "haproxy -c failed: " and no reason
      return { testLabel: 'haproxy -c', test: `haproxy -c -f ${cfg}`, reload };
    }
    case 'tomcat': {
      const base = opts.catalinaBase ?? '/var/lib/tomcat10';
      const env = `CATALINA_BASE=${base} CATALINA_HOME=/usr/share/tomcat10`;
      return {
        testLabel: 'catalina configtest',
        test: `${env} /usr/share/tomcat10/bin/catalina.sh configtest`,
        reload: `${env} /usr/share/tomcat10/bin/catalina.sh stop 10 >/dev/null 2>&1; ${env} /usr/share/tomcat10/bin/catalina.sh start`,
      };
    }
  }
}
