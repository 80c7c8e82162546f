/**
 * setup and service on lab hosts that claim four distros and run real nginx, apache2 and haproxy
 * without an init system: facts per distro and per web server (with the certificates their configs
 * name), and start/stop/reload/restart through the daemons' own controls with idempotence, check mode,
 * a config test before reload, and master pids kept where the server supports it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshConnection } from '../../src/connections/ssh.js';
import { startLab, type Lab, type LabHost } from '../lab/index.js';
import { serviceModule } from '../../src/modules/service.js';
import { setupModule } from '../../src/modules/setup.js';
import { tomcatAdapter } from '../../src/webservers/tomcat.js';
import { callModule, labConnection } from './module-helpers.js';

let lab: Lab;
const conns = new Map<string, SshConnection>();
const byName = (n: string): LabHost => lab.hosts.find((h) => h.name === n)!;
const connOf = (n: string): SshConnection => conns.get(n)!;

beforeAll(async () => {
  lab = await startLab({
    hosts: [
      { name: 'deb1', distro: 'debian', services: ['nginx'] },
      { name: 'ubu1', distro: 'ubuntu', services: ['apache2'] },
      { name: 'cen1', distro: 'centos', services: ['haproxy'] },
      { name: 'rhel1', distro: 'rhel', services: ['nginx', 'haproxy'] },
    ],
  });
  for (const h of lab.hosts) conns.set(h.name, labConnection(lab, h));
  // Config lines naming certificates (text only: the servers are not reloaded with them).
  await byName('deb1').exec(
    "printf 'server {\\n  listen 8443 ssl;\\n  ssl_certificate /etc/ssl/certfleet/a.pem;\\n  ssl_certificate_key /etc/ssl/certfleet/a.key;\\n}\\n' > /etc/nginx/sites-enabled/tls",
  );
  await byName('ubu1').exec(
    'printf \'<VirtualHost *:9443>\\n  SSLCertificateFile "/etc/ssl/certfleet/b.pem"\\n</VirtualHost>\\n\' > /etc/apache2/sites-enabled/tls.conf',
  );
  await byName('cen1').exec(
    "printf 'frontend tls\\n  bind :9444 ssl crt /etc/haproxy/certs/c.pem alpn h2\\n' >> /etc/haproxy/haproxy.cfg",
  );
});
afterAll(async () => {
  await Promise.all([...conns.values()].map((c) => c.close()));
  await lab?.stop();
});

const version = (cmd: string, args: string[], re: RegExp) =>
  re.exec(execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) || '')?.[1];

describe('setup', () => {
  it('reports each distro like Ansible does, in one round trip', async () => {
    const want = {
      deb1: { distribution: 'Debian', os_family: 'Debian', major: '12', release: 'bookworm' },
      ubu1: { distribution: 'Ubuntu', os_family: 'Debian', version: '22.04', release: 'jammy' },
      cen1: { distribution: 'CentOS', os_family: 'RedHat', version: '9' },
      rhel1: { distribution: 'RedHat', os_family: 'RedHat', version: '9.4', release: 'Plow' },
    };
    for (const [name, w] of Object.entries(want)) {
      const c = connOf(name);
      const execs = c.stats.execs;
      const r = await callModule(setupModule, c, {});
      expect(c.stats.execs - execs).toBe(1);
      expect(r.changed).toBe(false);
      const d = r.data!;
      expect(d.ansible_distribution).toBe(w.distribution);
      expect(d.ansible_os_family).toBe(w.os_family);
      expect(d.ansible_hostname).toBe(name);
      expect(d.ansible_service_mgr).toBe('none');
      if ('version' in w) expect(d.ansible_distribution_version).toBe(w.version);
      if ('major' in w) expect(d.ansible_distribution_major_version).toBe(w.major);
      if ('release' in w) expect(d.ansible_distribution_release).toBe(w.release);
      expect((d.ansible_facts as Record<string, unknown>).distribution).toBe(w.distribution);
    }
  });

  it('reports installed and running web servers, versions, configs and certificates', async () => {
    const nginxVersion =
      version('nginx', ['-v'], /nginx\/(\S+)/) ?? version('sh', ['-c', 'nginx -v 2>&1'], /nginx\/(\S+)/);
    const ws = async (name: string) =>
      (await callModule(setupModule, connOf(name), {})).data!.certfleet_webservers as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const catalina = tomcatAdapter.binaries.find((b) => existsSync(b));
    const serverXml = tomcatAdapter.configs.find((f) => existsSync(f));
    if (catalina && serverXml)
      await byName('deb1').exec(
        `sed -i 's|</Service>|<Connector port="9445" SSLEnabled="true"><SSLHostConfig><Certificate certificateFile="/etc/ssl/certfleet/t.pem" type="EC"/></SSLHostConfig></Connector></Service>|' ${serverXml}`,
      );
    const deb = await ws('deb1');
    expect(deb.nginx).toMatchObject({
      installed: true,
      running: true,
      version: nginxVersion,
      config: '/etc/nginx/nginx.conf',
      certificates: ['/etc/ssl/certfleet/a.pem'],
    });
    expect(deb.nginx.pid).toBe(await byName('deb1').servicePid('nginx'));
    expect(deb.apache).toMatchObject({
      installed: true,
      running: false,
      config: '/etc/apache2/apache2.conf',
    });
    // tomcat is whatever this machine has installed (lab hosts share the control node's /usr)
    if (catalina)
      expect(deb.tomcat).toMatchObject({
        installed: true,
        running: false,
        binary: catalina,
        version: expect.stringMatching(/^\d+\./),
        config: serverXml,
        certificates: ['/etc/ssl/certfleet/t.pem'],
      });
    else expect(deb.tomcat).toEqual({ installed: false, running: false, certificates: [] });
    const ubu = await ws('ubu1');
    expect(ubu.apache).toMatchObject({
      running: true,
      version: expect.stringMatching(/^2\.4\./),
      certificates: ['/etc/ssl/certfleet/b.pem'],
    });
    expect(ubu.nginx.running).toBe(false);
    const cen = await ws('cen1');
    expect(cen.haproxy).toMatchObject({
      running: true,
      version: expect.stringMatching(/^2\./),
      certificates: ['/etc/haproxy/certs/c.pem'],
    });
    const rhel = await ws('rhel1');
    expect([rhel.nginx.running, rhel.haproxy.running, rhel.apache.running]).toEqual([true, true, false]);
    const filtered = await callModule(setupModule, connOf('deb1'), { filter: 'ansible_distribution*' });
    expect(Object.keys(filtered.data!.ansible_facts as object).sort()).toEqual([
      'distribution',
      'distribution_major_version',
      'distribution_release',
      'distribution_version',
    ]);
    // the TLS site names a certificate that does not exist: nginx -t would (rightly) refuse it
    await byName('deb1').exec('rm -f /etc/nginx/sites-enabled/tls');
  });
});

describe('service without an init system', () => {
  it('nginx: started is idempotent, reload keeps the master pid, stop/start/restart, check mode', async () => {
    const h = byName('deb1');
    const c = connOf('deb1');
    await h.exec('rm -f /etc/nginx/sites-enabled/tls'); // names a certificate that does not exist
    const pid = await h.servicePid('nginx');
    expect(await callModule(serviceModule, c, { name: 'nginx', state: 'started' })).toMatchObject({
      changed: false,
    });
    const reload = await callModule(serviceModule, c, { name: 'nginx', state: 'reloaded' });
    expect(reload).toMatchObject({ changed: true, data: { status: 'running', pid, manager: 'none' } });
    expect(await h.servicePid('nginx')).toBe(pid);

    expect(
      (await callModule(serviceModule, c, { name: 'nginx', state: 'stopped' }, { check: true })).changed,
    ).toBe(true);
    expect(await h.servicePid('nginx')).toBe(pid);
    expect((await callModule(serviceModule, c, { name: 'nginx', state: 'stopped' })).changed).toBe(true);
    expect(await h.servicePid('nginx')).toBeNull();
    expect((await callModule(serviceModule, c, { name: 'nginx', state: 'stopped' })).changed).toBe(false);
    expect(
      (await callModule(serviceModule, c, { name: 'nginx', state: 'started' }, { check: true })).changed,
    ).toBe(true);
    expect(await h.servicePid('nginx')).toBeNull();
    const started = await callModule(serviceModule, c, { name: 'nginx', state: 'started' });
    expect(started.changed).toBe(true);
    const newPid = await h.servicePid('nginx');
    expect(newPid).toBeGreaterThan(0);
    expect(started.data?.pid).toBe(newPid);
    const restarted = await callModule(serviceModule, c, { name: 'nginx', state: 'restarted' });
    expect(restarted.changed).toBe(true);
    expect(await h.servicePid('nginx')).not.toBe(newPid);
  });

  it('refuses to reload a broken config and leaves the running server alone', async () => {
    const h = byName('deb1');
    const pid = await h.servicePid('nginx');
    await h.exec("printf 'server { listen 8444; bogus_directive on; }\\n' > /etc/nginx/sites-enabled/broken");
    try {
      await expect(
        callModule(serviceModule, connOf('deb1'), { name: 'nginx', state: 'reloaded' }),
      ).rejects.toThrow(
        /service nginx: config test failed \(nginx\): .*unknown directive "bogus_directive"/s,
      );
      expect(await h.servicePid('nginx')).toBe(pid);
    } finally {
      await h.exec('rm -f /etc/nginx/sites-enabled/broken');
    }
  });

  it('apache2 graceful keeps the parent pid; haproxy reload hands over to a new process', async () => {
    const ubu = byName('ubu1');
    const apid = await ubu.servicePid('apache2');
    await ubu.exec('rm -f /etc/apache2/sites-enabled/tls.conf');
    expect(
      (await callModule(serviceModule, connOf('ubu1'), { name: 'apache2', state: 'reloaded' })).changed,
    ).toBe(true);
    expect(await ubu.servicePid('apache2')).toBe(apid);
    expect(
      (await callModule(serviceModule, connOf('ubu1'), { name: 'httpd', state: 'started' })).changed,
    ).toBe(false);

    const rhel = byName('rhel1');
    const hpid = await rhel.servicePid('haproxy');
    const r = await callModule(serviceModule, connOf('rhel1'), { name: 'haproxy', state: 'reloaded' });
    const next = await rhel.servicePid('haproxy');
    expect(next).toBeGreaterThan(0);
    expect(next).not.toBe(hpid);
    expect(r.data?.pid).toBe(next);
  });

  it('says what it cannot do', async () => {
    const warnings: string[] = [];
    const r = await callModule(
      serviceModule,
      connOf('rhel1'),
      { name: 'nginx', state: 'started', enabled: true },
      { warnings },
    );
    expect(r.changed).toBe(false);
    expect(warnings).toEqual(['enabled ignored: the host has no init system']);
    await expect(
      callModule(serviceModule, connOf('rhel1'), { name: 'postfix', state: 'started' }),
    ).rejects.toThrow(
      'service postfix: postfix: the host has no init system and certfleet does not know how to control this daemon',
    );
    await expect(
      callModule(serviceModule, connOf('rhel1'), { name: 'nginx; rm -rf /' } as never),
    ).rejects.toThrow(/invalid parameters/);
  });
});
