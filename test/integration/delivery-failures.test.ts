/**
 * Failures of the per-host TLS transaction against real servers: a template that breaks nginx
 * leaves the host serving its previous certificate (checked by a TLS handshake) and fails only that
 * host; `serial: 1` + `max_fail_percentage: 0` stop a bad rollout after the canary; a failed
 * verification or a refused HAProxy runtime commit rolls back; a host whose sshd dies mid-run is
 * unreachable while the others finish.
 */
import { copyFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab, type LabHost } from '../lab/index.js';
import { probeTls } from '../../src/delivery/tls-probe.js';
import { writeDeliveryInventory } from '../lab/demo/inventory.js';
import { tlsSiteModule } from '../../src/modules/tls_site.js';
import { tlsVerifyModule } from '../../src/modules/tls_verify.js';
import {
  callModule,
  connect,
  makeCa,
  makeStateDir,
  runPlays,
  storeCert,
  type TestCa,
} from './delivery-helpers.js';

let lab: Lab;
let state: string;
let ca: TestCa;
let inventory: string;
const NAME = 'www.example.test';
const host = (n: string): LabHost => lab.hosts.find((h) => h.name === n)!;
const served = async (h: LabHost) => (await probeTls({ address: h.ip, port: 443, servername: NAME })).serial;

async function playbook(file: string, play: string): Promise<string> {
  const p = join(state, file);
  await writeFile(p, play);
  return p;
}
const nginxPlay = (extra = '') => `
- name: nginx
  hosts: nginx
  vars: { certfleet_state_dir: ${state} }
${extra}
  roles:
    - role: nginx_tls
      vars: { nginx_tls_cert: wild, nginx_tls_server_names: [${NAME}], nginx_tls_verify_name: ${NAME} }
`;
const BROKEN = { nginx_tls_root: '/var/www/html;\n    bogus_directive on' };

beforeAll(async () => {
  state = await makeStateDir();
  ca = await makeCa(state);
  lab = await startLab({
    hosts: [
      { name: 'f1', distro: 'debian', services: ['nginx'] },
      { name: 'f2', distro: 'rhel', services: ['nginx'] },
      { name: 'f3', distro: 'ubuntu', services: ['nginx'] },
      { name: 'fh', distro: 'debian', services: ['haproxy'] },
    ],
  });
  inventory = join(state, 'inventory.yml');
  await writeDeliveryInventory(lab, inventory);
  await storeCert(state, 'wild', ['*.example.test'], ca);
  const r = await runPlays(await playbook('good.yml', nginxPlay()), inventory, {
    knownHostsFile: lab.knownHostsFile,
  });
  expect(r.exitCode, r.out).toBe(0);
});

afterAll(async () => {
  await lab?.stop();
  if (state) await rm(state, { recursive: true, force: true });
});

describe('transaction failures', () => {
  it('a template that breaks nginx rolls back: the host keeps serving its previous certificate', async () => {
    const old = await served(host('f1'));
    await storeCert(state, 'wild', ['*.example.test'], ca);
    const pb = await playbook('broken.yml', nginxPlay());
    const r = await runPlays(pb, inventory, {
      knownHostsFile: lab.knownHostsFile,
      extraVars: BROKEN,
      limit: 'f1',
    });
    expect(r.exitCode).toBe(2);
    expect(r.recap.f1.failed).toBe(1);
    const msg = r.results('f1').find((e) => e.status === 'failed')!.msg!;
    expect(msg).toMatch(/^nginx -t failed: .*unknown directive "bogus_directive"[\s\S]*; rolled back$/);
    expect(await served(host('f1'))).toBe(old);
    // files are back as they were: the old certificate, no broken site, no temp files
    const f = await host('f1').exec(
      'grep -c bogus /etc/nginx/sites-available/certfleet-certfleet.conf; openssl x509 -noout -serial -in /etc/ssl/certfleet/wild/cert.pem; ls -A /etc/ssl/certfleet/wild /var/tmp | grep -c certfleet-',
    );
    expect(f.stdout.split('\n')[0]).toBe('0');
    expect(f.stdout).toContain(`serial=${old}`);
  });

  it('serial: 1 + max_fail_percentage: 0 stop a bad rollout after the canary', async () => {
    const before = await Promise.all(['f1', 'f2', 'f3'].map((n) => served(host(n))));
    const pb = await playbook('canary.yml', nginxPlay('  serial: 1\n  max_fail_percentage: 0'));
    const r = await runPlays(pb, inventory, { knownHostsFile: lab.knownHostsFile, extraVars: BROKEN });
    expect(r.exitCode).toBe(2);
    const touched = ['f1', 'f2', 'f3'].filter((h) => r.results(h).some((e) => e.task.includes('nginx site')));
    expect(touched).toHaveLength(1);
    expect(r.recap[touched[0]].failed).toBe(1);
    expect(await Promise.all(['f1', 'f2', 'f3'].map((n) => served(host(n))))).toEqual(before);
  });

  it('a failed verification rolls back and reloads the previous config', async () => {
    const conn = connect(lab, host('f3'));
    try {
      const old = await served(host('f3'));
      const params = {
        server: 'nginx' as const,
        cert: 'wild',
        state_dir: state,
        // the reload "succeeds" without reloading: the new certificate is never served
        reload_command: 'true',
        verify: { port: 443, server_name: NAME, wait_ms: 600 },
      };
      await expect(
        callModule(tlsSiteModule, conn, params, { vars: { ansible_host: host('f3').ip } }),
      ).rejects.toThrow(
        new RegExp(`^verification failed: .*:443 serves serial ${old}, expected [0-9A-F]+; rolled back$`),
      );
      expect(await served(host('f3'))).toBe(old);
      expect(
        (
          await host('f3').exec('openssl x509 -noout -serial -in /etc/ssl/certfleet/wild/cert.pem')
        ).stdout.trim(),
      ).toBe(`serial=${old}`);
    } finally {
      await conn.close();
    }
  });

  it('HAProxy: a key that does not match is refused at commit; disk and PID unchanged', async () => {
    const h = host('fh');
    const hp = await playbook(
      'haproxy.yml',
      `
- hosts: haproxy
  vars: { certfleet_state_dir: ${state} }
  roles: [{ role: haproxy_tls, vars: { haproxy_tls_cert: wild, haproxy_tls_verify_name: ${NAME} } }]
`,
    );
    const ok = await runPlays(hp, inventory, { knownHostsFile: lab.knownHostsFile });
    expect(ok.exitCode, ok.out).toBe(0);
    const pid = await h.servicePid('haproxy');
    const old = await served(h);
    // a renewal whose stored key belongs to another certificate
    const other = join(state, 'certs/wild/live/privkey.pem');
    await storeCert(state, 'other', ['other.test'], ca);
    await storeCert(state, 'wild', ['*.example.test'], ca);
    await copyFile(join(state, 'certs/other/live/privkey.pem'), other);
    const r = await runPlays(hp, inventory, { knownHostsFile: lab.knownHostsFile });
    expect(r.exitCode).toBe(2);
    expect(r.results('fh').find((e) => e.status === 'failed')!.msg).toMatch(
      /^haproxy runtime API update of \/etc\/haproxy\/certs\/wild.pem failed: commit ssl cert: .*; rolled back$/,
    );
    expect(await h.servicePid('haproxy')).toBe(pid);
    expect(await served(h)).toBe(old);
    const disk = await h.exec(
      'openssl x509 -noout -serial -in /etc/haproxy/certs/wild.pem; ls -A /etc/haproxy/certs',
    );
    expect(disk.stdout).toBe(`serial=${old}\nwild.pem\n`);
  });

  it('a host whose sshd dies mid-run is unreachable; the others finish', async () => {
    await storeCert(state, 'wild', ['*.example.test'], ca);
    const victim = host('f2');
    let killed: Promise<void> | undefined;
    const r = await runPlays(await playbook('good.yml', nginxPlay()), inventory, {
      knownHostsFile: lab.knownHostsFile,
      limit: 'nginx',
      // kill f2's sshd (listener and sessions) as soon as its facts are in
      onEvent: (e) => {
        if (e.event === 'host_result' && e.host === victim.name && !killed) killed = victim.killSshd();
      },
    });
    await killed;
    expect(r.exitCode).toBe(3);
    expect(r.recap.f2.unreachable).toBe(1);
    for (const h of ['f1', 'f3']) {
      expect(r.recap[h].failed + r.recap[h].unreachable).toBe(0);
      expect(r.recap[h].changed).toBe(1);
    }
    await victim.startSshd();
  });

  it('tls_verify fails the host with what is served instead', async () => {
    const conn = connect(lab, host('f1'));
    try {
      const vars = { ansible_host: host('f1').ip, certfleet_state_dir: state };
      const ok = await callModule(
        tlsVerifyModule,
        conn,
        { cert: 'wild', server_name: NAME, ca_file: ca.certFile },
        { vars },
      );
      expect(ok.changed).toBe(false);
      expect(ok.data).toMatchObject({ authorized: true, serial: await served(host('f1')) });
      await expect(
        callModule(tlsVerifyModule, conn, { serial: 'DE:AD', server_name: NAME, wait_ms: 300 }, { vars }),
      ).rejects.toThrow(
        new RegExp(`^${host('f1').ip}:443 \\(SNI ${NAME}\\) serves serial [0-9A-F]+, expected DEAD$`),
      );
      const other = await makeCa(await makeStateDir());
      await expect(
        callModule(tlsVerifyModule, conn, { server_name: NAME, ca_file: other.certFile }, { vars }),
      ).rejects.toThrow(/certificate does not verify against .*ca\.pem: /);
      await rm(other.dir, { recursive: true, force: true });
      await expect(callModule(tlsVerifyModule, conn, { port: 1, wait_ms: 0 }, { vars })).rejects.toThrow(
        /^TLS handshake with .*:1 failed: .*ECONNREFUSED/,
      );
    } finally {
      await conn.close();
    }
  });
});
