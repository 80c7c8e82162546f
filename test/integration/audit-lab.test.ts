/**
 * `certfleet audit` against real lab hosts (sshd, nginx, apache2, haproxy in namespaces): each host
 * is seeded with exactly one problem and must produce exactly its finding code; clean hosts produce
 * none; and no file under /etc changes on any host during the audit.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { AuditReport } from '../../src/audit/types.js';
import { issue, makeCas, newKey, type TestCa } from '../lab/pki.js';
import { startLab, type Lab } from '../lab/index.js';
import { nginxSite, put, runCli, sh, SNAPSHOT } from './audit-seed.js';

describe('certfleet audit on the lab', () => {
  let lab: Lab;
  let dir: string;
  let inv: string;
  let int: TestCa;
  const host = (n: string) => lab.hosts.find((h) => h.name === n)!;
  const cert = (name: string, extra: Partial<Parameters<typeof issue>[1]> = {}) =>
    issue(dir, {
      cn: `${name}.example`,
      names: [`${name}.example`, `*.${name}.example`],
      issuer: int,
      ...extra,
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cf-audit-lab-'));
    int = makeCas(dir).intermediate;
    const names = [
      'clean',
      'expired',
      'mismatch',
      'worldread',
      'missing',
      'served',
      'drift',
      'distro',
      'down',
    ];
    lab = await startLab({
      hosts: [
        ...names.map((name) => ({ name, distro: 'debian' as const, services: ['nginx' as const] })),
        { name: 'web-apache', distro: 'ubuntu', services: ['apache2'] },
        { name: 'web-haproxy', distro: 'centos', services: ['haproxy'] },
      ],
    });
    const old = cert('expired', { start: new Date('2024-01-01'), end: new Date('2024-04-01') });
    await Promise.all([
      ...['clean', 'mismatch', 'missing', 'served', 'drift', 'distro', 'down'].map((n) =>
        nginxSite(host(n), cert(n), int),
      ),
      nginxSite(host('expired'), old, int),
      nginxSite(host('worldread'), cert('worldread'), int, { keyMode: '644' }),
      (async () => {
        const h = host('web-apache');
        const d = '/etc/ssl/certfleet/apache';
        const c = cert('apache');
        await put(h, `${d}/cert.pem`, c.cert);
        await put(h, `${d}/chain.pem`, int.cert);
        await put(h, `${d}/privkey.pem`, c.key, '600');
        const https = h.ports.apache2!.https;
        await put(
          h,
          '/etc/apache2/sites-enabled/tls.conf',
          `<VirtualHost *:${https}>\n  ServerName apache.example\n  SSLEngine on\n  SSLProtocol -all +TLSv1.2 +TLSv1.3\n` +
            `  SSLCertificateFile ${d}/cert.pem\n  SSLCertificateKeyFile ${d}/privkey.pem\n  SSLCertificateChainFile ${d}/chain.pem\n</VirtualHost>\n`,
        );
        await sh(
          h,
          'cd /etc/apache2/mods-enabled && ln -sf ../mods-available/ssl.load ../mods-available/ssl.conf ../mods-available/socache_shmcb.load . && apache2ctl configtest 2>&1',
        );
        await h.stopService('apache2');
        await h.startService('apache2');
      })(),
      (async () => {
        const h = host('web-haproxy');
        const c = cert('haproxy');
        await put(h, '/etc/ssl/certfleet/haproxy/haproxy.pem', c.cert + int.cert + c.key, '600');
        const cfg = await sh(h, 'cat /etc/haproxy/haproxy.cfg');
        const https = h.ports.haproxy!.https;
        await put(
          h,
          '/etc/haproxy/haproxy.cfg',
          `${cfg}\nfrontend lab_https\n\tbind :${https} ssl crt /etc/ssl/certfleet/haproxy/haproxy.pem\n\thttp-request return status 200\n`,
        );
        await h.stopService('haproxy');
        await h.startService('haproxy');
      })(),
    ]);
    // problems seeded after the servers loaded their config, without reload (nginx would refuse them)
    await put(host('mismatch'), '/etc/ssl/certfleet/mismatch/privkey.pem', newKey(dir), '600');
    await sh(
      host('missing'),
      "sed -i 's#ssl_certificate_key .*#ssl_certificate_key /etc/ssl/certfleet/gone/privkey.pem;#' /etc/nginx/sites-enabled/tls",
    );
    const fresh = cert('served');
    await put(host('served'), '/etc/ssl/certfleet/served/fullchain.pem', fresh.cert + int.cert);
    await put(host('served'), '/etc/ssl/certfleet/served/privkey.pem', fresh.key, '600');
    await host('down').killSshd();
    // the inventory claims things the hosts are not
    const doc = parse(readFileSync(lab.inventoryFile, 'utf8'));
    doc.all.hosts.drift.webserver = 'apache';
    delete doc.all.hosts.drift.webservers;
    // the inventory schema names Apache `apache` (the lab writes the Debian service name apache2)
    doc.all.hosts['web-apache'].webserver = 'apache';
    doc.all.hosts['web-apache'].webservers = ['apache'];
    doc.all.hosts.distro.distro = 'centos';
    inv = join(dir, 'inventory.yml');
    writeFileSync(inv, stringify(doc));
  });

  afterAll(async () => {
    await lab?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports exactly the seeded finding per host, changes no file, and exits 2', async () => {
    const live = lab.hosts.filter((h) => h.name !== 'down');
    const before = await Promise.all(live.map((h) => sh(h, SNAPSHOT)));
    const htmlFile = join(dir, 'report.html');
    const res = await runCli(['audit', '-i', inv, '--json', '--html', htmlFile]);
    const after = await Promise.all(live.map((h) => sh(h, SNAPSHOT)));
    live.forEach((h, i) => expect(after[i], `files changed on ${h.name}`).toBe(before[i]));

    expect(res.stderr).toBe('');
    const report = JSON.parse(res.stdout) as AuditReport;
    const byHost: Record<string, string[]> = {};
    for (const h of lab.hosts) byHost[h.name] = [];
    for (const f of report.findings) byHost[f.host].push(f.code);
    expect(byHost).toEqual({
      clean: [],
      expired: ['CERT_EXPIRED'],
      mismatch: ['KEY_MISMATCH'],
      worldread: ['KEY_WORLD_READABLE'],
      missing: ['FILE_MISSING'],
      served: ['SERVED_MISMATCH'],
      drift: ['WEBSERVER_DRIFT'],
      distro: ['DISTRO_DRIFT'],
      down: ['HOST_UNREACHABLE'],
      'web-apache': [],
      'web-haproxy': [],
    });
    expect(res.code).toBe(2);
    expect(report.schema).toBe('certfleet.audit/v1');
    expect(report.summary).toMatchObject({
      hosts: 11,
      unreachable: 1,
      critical: 5,
      warning: 3,
      info: 0,
      exit_code: 2,
    });

    const clean = report.hosts.find((h) => h.host === 'clean')!;
    expect(clean).toMatchObject({
      reachable: true,
      distro: { id: 'debian' },
      webservers: { running: ['nginx'] },
    });
    expect(clean.certificates).toMatchObject([
      {
        path: '/etc/ssl/certfleet/clean/fullchain.pem',
        key_matches: true,
        chain_complete: true,
        managed_name: 'clean',
      },
    ]);
    expect(clean.served.map((s) => [s.servername, s.matches_file])).toEqual([
      ['clean.example', true],
      ['www.clean.example', true],
    ]);
    const hap = report.hosts.find((h) => h.host === 'web-haproxy')!;
    expect(hap.served).toMatchObject([{ servername: 'haproxy.example', matches_file: true }]);
    expect(report.hosts.find((h) => h.host === 'web-apache')!.certificates[0]).toMatchObject({
      chain_complete: true,
      key_matches: true,
    });
    // private keys never leave the hosts
    expect(res.stdout).not.toMatch(/PRIVATE KEY/);
    // the HTML report carries the same findings, with each code's meaning as a tooltip
    const html = readFileSync(htmlFile, 'utf8');
    expect(html.match(/<tr data-severity=/g)).toHaveLength(report.findings.length);
    expect(html).toContain(
      '<code title="the private key does not belong to the certificate">KEY_MISMATCH</code>',
    );
  });

  it('exits 0 on clean hosts and 1 with warnings only, with a readable table', async () => {
    const ok = await runCli(['audit', '-i', inv, '-l', 'clean:web-apache:web-haproxy']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^HOST +ADDRESS +DISTRO/);
    expect(ok.stdout).toContain('No findings.');
    expect(ok.stdout).toContain('3 hosts (0 unreachable), 3 certificates: 0 critical, 0 warning, 0 info');
    const warn = await runCli(['audit', '-i', inv, '-l', 'drift']);
    expect(warn.code).toBe(1);
    expect(warn.stdout).toMatch(
      /WARNING +drift +WEBSERVER_DRIFT +inventory says webserver apache, host runs nginx/,
    );
  });

  it('exits 4 on bad input with one clear message', async () => {
    const bad = await runCli(['audit', '-i', inv, '--forks', 'many']);
    expect(bad).toMatchObject({ code: 4, stdout: '' });
    expect(bad.stderr).toBe('certfleet: error: --forks: must be an integer from 1 to 500, got "many"\n');
    const none = await runCli(['audit', '-i', inv, '-l', 'nosuchhost']);
    expect(none.code).toBe(4);
  });
});
