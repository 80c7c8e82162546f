import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { adapterFor, adapterOf, serverCommands, webServers } from './adapter.js';
import { WEB_SERVER_KINDS } from './kind.js';

const MAINS: Record<string, string[]> = {
  nginx: ['/etc/nginx/nginx.conf', '/usr/local/nginx/conf/nginx.conf'],
  apache: ['/etc/apache2/apache2.conf', '/etc/httpd/conf/httpd.conf', '/usr/local/apache2/conf/httpd.conf'],
  haproxy: ['/etc/haproxy/haproxy.cfg'],
  tomcat: ['/etc/tomcat10/server.xml', '/opt/tomcat/conf/server.xml', '/etc/tomcat9/server.xml'],
};

describe('web-server adapters', () => {
  it('one adapter per kind, found by the names users write', () => {
    expect(webServers.map((w) => w.kind)).toEqual([...WEB_SERVER_KINDS]);
    for (const [name, kind] of [
      ['apache2', 'apache'],
      ['httpd', 'apache'],
      ['tomcat10', 'tomcat'],
      ['nginx', 'nginx'],
    ])
      expect(adapterFor(name)?.kind).toBe(kind);
    expect(adapterFor('lighttpd')).toBeUndefined();
  });

  it('the host-side root rule (shell) gives what the controller-side parser uses', () => {
    for (const w of webServers)
      for (const main of MAINS[w.kind]) {
        const sh = execFileSync('sh', ['-c', `CFG=$1; ${w.rootShell}; printf %s "$ROOT"`, 'sh', main], {
          encoding: 'utf8',
        });
        expect(sh, `${w.kind} ${main}`).toBe(w.configRoot(main));
      }
    expect(adapterOf('apache').configRoot('/etc/httpd/conf/httpd.conf')).toBe('/etc/httpd');
    expect(adapterOf('tomcat').configRoot('/etc/tomcat10/server.xml')).toBe('/var/lib/tomcat10');
  });

  it('the transaction commands are the adapters own, with the label of the family', () => {
    expect(serverCommands('apache', 'RedHat').testLabel).toBe('apachectl -t');
    expect(serverCommands('apache', 'Debian').testLabel).toBe('apache2ctl -t');
    const rh = serverCommands('apache', 'RedHat').test;
    // Red Hat's control script and config are probed first
    expect(rh.indexOf('/usr/sbin/apachectl')).toBeLessThan(rh.indexOf('/usr/sbin/apache2ctl'));
    expect(serverCommands('tomcat', 'Debian').test).toContain('CATALINA_BASE=$CB');
    expect(serverCommands('nginx', 'Debian').reload).toContain('"$BIN" -s reload');
  });
});
