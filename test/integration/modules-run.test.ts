/**
 * The host modules through `certfleet run` on lab hosts (real CLI, real sshd and nginx): check mode
 * changes nothing, the real run delivers a certificate + key + TLS site and reloads nginx through a
 * handler (the new certificate is served), diffs never show the key, the second run is unchanged,
 * and an unknown host key or a dead sshd make the host unreachable (exit 3) with a clear reason.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/index.js';
import { selfSignedFiles } from '../lab/pki.js';
import { certfleet } from './inventory-helpers.js';

let lab: Lab;
let dir: string;

const PLAYBOOK = `
- hosts: all
  gather_facts: true
  tasks:
    - file: { path: /etc/ssl/certfleet, state: directory, mode: '0755' }
    - copy: { src: fullchain.pem, dest: /etc/ssl/certfleet/, mode: '0644' }
      notify: reload nginx
    - copy: { src: privkey.pem, dest: /etc/ssl/certfleet/privkey.pem, mode: '0600' }
      notify: reload nginx
    - template: { src: site.conf.j2, dest: /etc/nginx/sites-enabled/tls.conf }
      notify: reload nginx
    - lineinfile: { path: /etc/nginx/nginx.conf, regexp: '^\\s*server_tokens', line: '        server_tokens off;', insertafter: '^http' }
      notify: reload nginx
    - command: nginx -t
      changed_when: false
  handlers:
    - name: reload nginx
      service: { name: nginx, state: reloaded }
`;

/** Subject CN of the certificate a host serves. */
function servedCn(ip: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: ip, port, rejectUnauthorized: false, servername: 'x.lab.test' }, () => {
      const cn = s.getPeerCertificate().subject?.CN;
      s.end();
      resolve(String(cn));
    });
    s.on('error', reject);
  });
}

beforeAll(async () => {
  lab = await startLab({
    hosts: [
      { name: 'run1', distro: 'debian', services: ['nginx'] },
      { name: 'run2', distro: 'rhel', services: ['nginx'] },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'certfleet-modrun-'));
  mkdirSync(join(dir, 'files'));
  mkdirSync(join(dir, 'templates'));
  selfSignedFiles({
    keyFile: join(dir, 'files/privkey.pem'),
    certFile: join(dir, 'files/fullchain.pem'),
    cn: 'modrun.lab.test',
    days: 2,
  });
  writeFileSync(
    join(dir, 'templates/site.conf.j2'),
    'server {\n  listen {{ lab_ports.nginx.https }} ssl;\n  server_name {{ inventory_hostname }};\n' +
      '  ssl_certificate /etc/ssl/certfleet/fullchain.pem;\n  ssl_certificate_key /etc/ssl/certfleet/privkey.pem;\n}\n',
  );
  writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
});
afterAll(async () => {
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const hash = async () =>
  Promise.all(
    lab.hosts.map(
      async (h) =>
        (await h.exec('ls -la /etc/ssl /etc/nginx/sites-enabled; md5sum /etc/nginx/nginx.conf')).stdout,
    ),
  );

describe('certfleet run with the host modules', () => {
  it('check mode changes nothing; the real run delivers and reloads; the second run is unchanged', async () => {
    const args = ['run', 'site.yml', '-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile];
    const before = await hash();
    const pids = await Promise.all(lab.hosts.map((h) => h.servicePid('nginx')));
    const check = await certfleet([...args, '--check', '--diff'], dir);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/run1 +: ok=\d+ +changed=6 /);
    expect(await hash()).toEqual(before);

    const real = await certfleet([...args, '--diff'], dir);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/run2 +: ok=8 +changed=6 +unreachable=0 +failed=0/);
    expect(real.stdout).toContain('+        server_tokens off;');
    expect(real.stdout).toContain('(diff hidden: private key)');
    const keyBody = readFileSync(join(dir, 'files/privkey.pem'), 'utf8').split('\n')[1];
    expect(real.stdout + real.stderr).not.toContain(keyBody);
    for (const [i, h] of lab.hosts.entries()) {
      expect(await h.servicePid('nginx')).toBe(pids[i]); // reloaded, not restarted
      expect(await servedCn(h.ip, h.ports.nginx!.https)).toBe('modrun.lab.test');
      expect((await h.exec('stat -c %a /etc/ssl/certfleet/privkey.pem')).stdout).toBe('600\n');
    }

    const again = await certfleet(args, dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/run1 +: ok=\d+ +changed=0 /);
    expect(again.stdout).toMatch(/run2 +: ok=\d+ +changed=0 /);
  });

  it('an unknown host key or a dead sshd make the host unreachable (exit 3)', async () => {
    const empty = join(dir, 'empty_known_hosts');
    writeFileSync(empty, '');
    const refused = await certfleet(
      ['run', 'site.yml', '-i', lab.inventoryFile, '--known-hosts', empty, '-l', 'run1'],
      dir,
    );
    expect(refused.code).toBe(3);
    expect(refused.stdout + refused.stderr).toMatch(/host key for \S+ is not known \(ssh-ed25519 SHA256:/);

    await lab.hosts[1].killSshd();
    try {
      const dead = await certfleet(
        ['run', 'site.yml', '-i', lab.inventoryFile, '-l', 'run2', '-T', '3'],
        dir,
      );
      expect(dead.code).toBe(3);
      expect(dead.stdout + dead.stderr).toMatch(/run2: cannot connect to root@\S+: connection refused/);
    } finally {
      await lab.hosts[1].startSshd();
    }
  });
});
