/**
 * The web-server roles through the real engine against real nginx / apache2 / haproxy in lab hosts:
 * first run changes, second run changes nothing, --check --diff touches nothing, a renewal reaches
 * every server (HAProxy through the runtime API with the same PID), served certificates checked with
 * Node's TLS client (SNI) and openssl s_client against the CA.
 */
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab, type LabHost } from '../lab/index.js';
import { probeTls } from '../../src/delivery/tls-probe.js';
import { writeDeliveryInventory } from '../lab/demo/inventory.js';
import { hostHashes, makeCa, makeStateDir, runPlays, storeCert, type TestCa } from './delivery-helpers.js';

const run = promisify(execFile);
let lab: Lab;
let state: string;
let ca: TestCa;
let playbook: string;
let inventory: string;
const NAME = 'www.example.test';
const host = (n: string): LabHost => lab.hosts.find((h) => h.name === n)!;

const PLAYBOOK = (stateDir: string) => `
- name: nginx
  hosts: nginx
  vars: { certfleet_state_dir: ${stateDir} }
  roles:
    - role: nginx_tls
      vars: { nginx_tls_cert: wild, nginx_tls_server_names: [${NAME}], nginx_tls_verify_name: ${NAME}, nginx_tls_redirect: true }
- name: apache
  hosts: apache
  vars: { certfleet_state_dir: ${stateDir} }
  roles:
    - role: apache_tls
      vars: { apache_tls_cert: wild, apache_tls_server_name: ${NAME}, apache_tls_verify_name: ${NAME} }
- name: haproxy
  hosts: haproxy
  vars: { certfleet_state_dir: ${stateDir} }
  roles:
    - role: haproxy_tls
      vars: { haproxy_tls_cert: wild, haproxy_tls_verify_name: ${NAME} }
`;

beforeAll(async () => {
  state = await makeStateDir();
  ca = await makeCa(state);
  playbook = join(state, 'site.yml');
  await writeFile(playbook, PLAYBOOK(state));
  lab = await startLab({
    hosts: [
      { name: 'n1', distro: 'debian', services: ['nginx'] },
      { name: 'n2', distro: 'centos', services: ['nginx'] },
      { name: 'a1', distro: 'ubuntu', services: ['apache2'] },
      { name: 'h1', distro: 'debian', services: ['haproxy'] },
    ],
  });
  inventory = join(state, 'inventory.yml');
  await writeDeliveryInventory(lab, inventory);
});

afterAll(async () => {
  await lab?.stop();
  if (state) await rm(state, { recursive: true, force: true });
});

const served = async (h: LabHost) =>
  (await probeTls({ address: h.ip, port: 443, servername: NAME, ca: ca.pem })).serial;
const FILES = [
  '/etc/ssl/certfleet/wild/cert.pem',
  '/etc/ssl/certfleet/wild/privkey.pem',
  '/etc/nginx/sites-available/certfleet-certfleet.conf',
  '/etc/haproxy/haproxy.cfg',
  '/etc/haproxy/certs/wild.pem',
];

describe('web-server roles', () => {
  it('first run changes every host, second run changes nothing', async () => {
    const serial = await storeCert(state, 'wild', ['*.example.test', 'example.test'], ca);
    const first = await runPlays(playbook, inventory, { knownHostsFile: lab.knownHostsFile });
    expect(first.exitCode, first.out).toBe(0);
    for (const h of ['n1', 'n2', 'a1', 'h1']) expect(first.recap[h].changed, h).toBeGreaterThan(0);
    for (const h of lab.hosts) expect(await served(h), h.name).toBe(serial);
    // layouts from facts: Debian sites-enabled symlink, CentOS conf.d
    expect(
      (await host('n1').exec('readlink /etc/nginx/sites-enabled/certfleet-certfleet.conf')).stdout.trim(),
    ).toBe('/etc/nginx/sites-available/certfleet-certfleet.conf');
    expect((await host('n2').exec('ls /etc/nginx/conf.d/')).stdout).toContain('certfleet-certfleet.conf');
    expect(
      (await host('a1').exec('readlink /etc/apache2/sites-enabled/certfleet-certfleet.conf')).stdout.trim(),
    ).toBe('../sites-available/certfleet-certfleet.conf');
    // the user's haproxy.cfg kept, the frontend in a managed block
    const cfg = (await host('h1').exec('cat /etc/haproxy/haproxy.cfg')).stdout;
    expect(cfg).toContain('frontend lab_http');
    expect(cfg).toMatch(
      /# BEGIN CERTFLEET MANAGED BLOCK\nfrontend certfleet_https\n[\s\S]*# END CERTFLEET MANAGED BLOCK\n/,
    );
    // openssl s_client verifies chain and name against the CA, with SNI
    const { stdout } = await run('sh', [
      '-c',
      `echo | openssl s_client -connect ${host('a1').ip}:443 -servername ${NAME} -verify_hostname ${NAME} -CAfile ${ca.certFile} 2>&1`,
    ]);
    expect(stdout).toContain('Verify return code: 0 (ok)');

    const second = await runPlays(playbook, inventory, { knownHostsFile: lab.knownHostsFile });
    expect(second.exitCode, second.out).toBe(0);
    for (const h of ['n1', 'n2', 'a1', 'h1']) expect(second.recap[h].changed, `${h}\n${second.out}`).toBe(0);
  });

  it('--check --diff after a renewal shows the new serial and writes nothing', async () => {
    const old = await served(host('n1'));
    const serial = await storeCert(state, 'wild', ['*.example.test', 'example.test'], ca);
    const before = await Promise.all(lab.hosts.map((h) => hostHashes(h, FILES)));
    const dry = await runPlays(playbook, inventory, {
      knownHostsFile: lab.knownHostsFile,
      check: true,
      diff: true,
    });
    expect(dry.exitCode, dry.out).toBe(0);
    for (const h of ['n1', 'n2', 'a1', 'h1']) expect(dry.recap[h].changed).toBeGreaterThan(0);
    expect(dry.out).toContain(`+certificate serial ${serial}`);
    expect(dry.out).toContain(`-certificate serial ${old}`);
    expect(dry.out).not.toMatch(/BEGIN (EC )?PRIVATE KEY/);
    expect(await Promise.all(lab.hosts.map((h) => hostHashes(h, FILES)))).toEqual(before);
    for (const h of lab.hosts) expect(await served(h)).toBe(old);
  });

  it('a renewal reaches every server; HAProxy is hot-updated with the same PID', async () => {
    const pid = await host('h1').servicePid('haproxy');
    const serial = (
      await run('openssl', ['x509', '-noout', '-serial', '-in', join(state, 'certs/wild/live/cert.pem')])
    ).stdout
      .trim()
      .split('=')[1];
    const r = await runPlays(playbook, inventory, { knownHostsFile: lab.knownHostsFile });
    expect(r.exitCode, r.out).toBe(0);
    for (const h of lab.hosts) expect(await served(h), h.name).toBe(serial);
    expect(await host('h1').servicePid('haproxy')).toBe(pid);
    expect(r.results('h1').find((e) => e.status === 'changed')?.msg).toContain(
      'hot-updated through the runtime API',
    );
    // the file on disk matches what is served, so a later reload keeps serving it
    const disk = await host('h1').exec('openssl x509 -noout -serial -in /etc/haproxy/certs/wild.pem');
    expect(disk.stdout.trim()).toBe(`serial=${serial}`);
  });

  it('HAProxy without a live admin socket falls back to haproxy -c + seamless reload', async () => {
    const pid = await host('h1').servicePid('haproxy');
    const serial = await storeCert(state, 'wild', ['*.example.test', 'example.test'], ca);
    const r = await runPlays(playbook, inventory, {
      knownHostsFile: lab.knownHostsFile,
      limit: 'h1',
      extraVars: { haproxy_tls_admin_socket: '/run/haproxy/missing.sock' },
    });
    expect(r.exitCode, r.out).toBe(0);
    expect(r.results('h1').find((e) => e.status === 'changed')?.msg).toBe(
      `reloaded; serving serial ${serial}`,
    );
    expect(await served(host('h1'))).toBe(serial);
    expect(await host('h1').servicePid('haproxy')).not.toBe(pid);
  });

  it('nginx snippet mode: only the ssl_* lines, for a server block of your own', async () => {
    const n1 = host('n1');
    const vars = { nginx_tls_mode: 'snippet', nginx_tls_site: 'mine', nginx_tls_port: 8443 };
    const first = await runPlays(playbook, inventory, {
      knownHostsFile: lab.knownHostsFile,
      limit: 'n1',
      extraVars: { ...vars, nginx_tls_verify: false },
    });
    expect(first.exitCode, first.out).toBe(0);
    expect(first.recap.n1.changed).toBe(1);
    const snippet = '/etc/nginx/snippets/certfleet-mine-ssl.conf';
    expect((await n1.exec(`cat ${snippet}`)).stdout).toContain(
      'ssl_certificate_key /etc/ssl/certfleet/wild/privkey.pem;',
    );
    expect((await n1.exec('ls /etc/nginx/sites-available')).stdout).not.toContain('certfleet-mine');
    // the user's own server block includes it
    const own = await n1.exec(
      `printf 'server {\\n  listen 8443 ssl;\\n  server_name ${NAME};\\n  include ${snippet};\\n}\\n' > /etc/nginx/conf.d/mine.conf && nginx -t 2>&1 && nginx -s reload`,
    );
    expect(own.code, own.stdout).toBe(0);
    const again = await runPlays(playbook, inventory, {
      knownHostsFile: lab.knownHostsFile,
      limit: 'n1',
      extraVars: vars,
    });
    expect(again.exitCode, again.out).toBe(0);
    expect(again.recap.n1.changed).toBe(0);
    const r = await probeTls({ address: n1.ip, port: 8443, servername: NAME, ca: ca.pem });
    expect(r.serial).toBe(await served(n1));
    expect(r.authorized).toBe(true);
  });
});
