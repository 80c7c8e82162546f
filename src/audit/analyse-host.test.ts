import { createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseHost } from './analyse-host.js';
import { chainProblem, parseCertificates } from './cert-analysis.js';
import { issue, makeCas, newKey, type Issued, type TestCa } from '../../test/lab/pki.js';
import type { HostFacts } from './types.js';

// Facts as gather.sh reports them: the CERTIFICATE blocks and the public key derived from each key
// file (never the key itself), plus stat results. The real script is exercised by the lab tests.
function facts(nginxSites: string, files: Record<string, { pem?: string; mode?: string }>): HostFacts {
  const f: HostFacts = {
    osRelease: { ID: 'debian', VERSION_ID: '12', PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)' },
    installed: ['nginx', 'apache'],
    running: ['nginx'],
    configs: { nginx: new Map([['/etc/nginx/nginx.conf', `http {\n${nginxSites}\n}\n`]]) },
    mainConfig: { nginx: '/etc/nginx/nginx.conf' },
    stats: new Map(),
    certs: new Map(),
    pubkeys: new Map(),
    keyErrors: new Map(),
  };
  for (const [path, { pem, mode }] of Object.entries(files)) {
    if (pem === undefined) {
      f.stats.set(path, { exists: false });
      continue;
    }
    f.stats.set(path, {
      exists: true,
      mode: mode ?? '600',
      owner: 'root',
      group: 'root',
      type: 'regular file',
    });
    const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g);
    if (certs) f.certs.set(path, certs.join(''));
    if (pem.includes('PRIVATE KEY'))
      f.pubkeys.set(path, createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString());
  }
  return f;
}

const site = (name: string, dir: string, extra = '') =>
  `server { listen 443 ssl; server_name ${name}; ssl_protocols TLSv1.2 TLSv1.3;\n` +
  `ssl_certificate ${dir}/fullchain.pem; ssl_certificate_key ${dir}/privkey.pem; ${extra} }`;

const vars = { distro: 'debian', webservers: ['nginx'] };
// set after the certificates are issued, so that days-left counts are exact
let now = new Date();
const codes = (r: ReturnType<typeof analyseHost>) => r.findings.map((f) => f.code).sort();

describe('analyseHost', () => {
  let dir: string;
  let int: TestCa;
  let good: Issued;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cf-audit-unit-'));
    int = makeCas(dir).intermediate;
    good = issue(dir, { cn: 'a.example', names: ['a.example', '*.a.example'], issuer: int });
    now = new Date();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const D = '/etc/ssl/certfleet/a';
  const pair = (c: Issued, mode = '600', chain = int.cert) => ({
    [`${D}/fullchain.pem`]: { pem: c.cert + chain, mode: '644' },
    [`${D}/privkey.pem`]: { pem: c.key, mode },
  });

  it('finds nothing on a clean host and reports the certificate', () => {
    const r = analyseHost('h', vars, facts(site('a.example www.a.example', D), pair(good)), {
      now,
      warnDays: 30,
    });
    expect(r.findings).toEqual([]);
    expect(r.report.certificates).toMatchObject([
      {
        path: `${D}/fullchain.pem`,
        sans: ['a.example', '*.a.example'],
        key_matches: true,
        chain_complete: true,
        managed_name: 'a',
        days_left: 89,
      },
    ]);
    expect(r.targets).toEqual([
      {
        port: 443,
        servername: 'a.example',
        expectedFingerprint: r.report.certificates[0].fingerprint_sha256,
        site: 'a.example',
        server: 'nginx',
        certPath: `${D}/fullchain.pem`,
      },
      {
        port: 443,
        servername: 'www.a.example',
        expectedFingerprint: r.report.certificates[0].fingerprint_sha256,
        site: 'a.example',
        server: 'nginx',
        certPath: `${D}/fullchain.pem`,
      },
    ]);
  });

  it('flags expired and expiring certificates', () => {
    const old = issue(dir, {
      cn: 'a.example',
      names: ['a.example'],
      issuer: int,
      start: new Date('2020-01-01'),
      end: new Date('2020-04-01'),
    });
    const r = analyseHost('h', vars, facts(site('a.example', D), pair(old)), { now, warnDays: 30 });
    expect(codes(r)).toEqual(['CERT_EXPIRED']);
    expect(r.findings[0]).toMatchObject({
      severity: 'critical',
      host: 'h',
      site: 'a.example',
      path: `${D}/fullchain.pem`,
    });
    const soon = issue(dir, {
      cn: 'a.example',
      names: ['a.example'],
      issuer: int,
      end: new Date(Date.now() + 10 * 86_400_000),
    });
    const r2 = analyseHost('h', vars, facts(site('a.example', D), pair(soon)), {
      now: new Date(),
      warnDays: 30,
    });
    expect(r2.findings.map((f) => [f.code, f.severity, f.message])).toEqual([
      ['CERT_EXPIRING', 'warning', `${D}/fullchain.pem (CN=a.example) expires in 9 days`],
    ]);
  });

  it('flags a key that does not match, and a world-readable key', () => {
    const other = { cert: good.cert, key: newKey(dir) };
    expect(
      codes(analyseHost('h', vars, facts(site('a.example', D), pair(other)), { now, warnDays: 30 })),
    ).toEqual(['KEY_MISMATCH']);
    const r = analyseHost('h', vars, facts(site('a.example', D), pair(good, '644')), { now, warnDays: 30 });
    expect(r.findings.map((f) => [f.code, f.path, f.message])).toEqual([
      [
        'KEY_WORLD_READABLE',
        `${D}/privkey.pem`,
        `private key ${D}/privkey.pem is mode 0644 (world-readable)`,
      ],
    ]);
  });

  it('flags missing files, incomplete chains, names not covered, legacy protocols and stapling without OCSP', () => {
    const files: Record<string, { pem?: string; mode?: string }> = {
      ...pair(good),
      [`${D}/privkey.pem`]: {},
    };
    expect(codes(analyseHost('h', vars, facts(site('a.example', D), files), { now, warnDays: 30 }))).toEqual([
      'FILE_MISSING',
    ]);
    expect(
      codes(
        analyseHost('h', vars, facts(site('a.example', D), pair(good, '600', '')), { now, warnDays: 30 }),
      ),
    ).toEqual(['CHAIN_INCOMPLETE']);
    expect(
      codes(analyseHost('h', vars, facts(site('b.example', D), pair(good)), { now, warnDays: 30 })),
    ).toEqual(['CERT_NAME_MISMATCH']);
    const legacy = site('a.example', D).replace('TLSv1.2 TLSv1.3', 'TLSv1.1 TLSv1.2');
    expect(codes(analyseHost('h', vars, facts(legacy, pair(good)), { now, warnDays: 30 }))).toEqual([
      'TLS_LEGACY_PROTOCOL',
    ]);
    const stapled = site('a.example', D, 'ssl_stapling on;');
    expect(codes(analyseHost('h', vars, facts(stapled, pair(good)), { now, warnDays: 30 }))).toEqual([
      'STAPLING_NO_OCSP',
    ]);
    const withOcsp = issue(dir, {
      cn: 'a.example',
      names: ['a.example'],
      issuer: int,
      ocsp: 'http://ocsp.a.example/',
    });
    expect(analyseHost('h', vars, facts(stapled, pair(withOcsp)), { now, warnDays: 30 }).findings).toEqual(
      [],
    );
  });

  it('tells managed from unmanaged and current from outdated certificates', () => {
    const unmanaged = {
      '/etc/ssl/x/fullchain.pem': { pem: good.cert + int.cert },
      '/etc/ssl/x/privkey.pem': { pem: good.key },
    };
    expect(
      codes(analyseHost('h', vars, facts(site('a.example', '/etc/ssl/x'), unmanaged), { now, warnDays: 30 })),
    ).toEqual(['CERT_NOT_MANAGED']);
    const serial = parseCertificates(good.cert)[0].serialNumber;
    const ok = analyseHost('h', vars, facts(site('a.example', D), pair(good)), {
      now,
      warnDays: 30,
      liveSerials: new Map([['a', serial]]),
    });
    expect(ok.findings).toEqual([]);
    expect(ok.report.certificates[0].current).toBe(true);
    const copied = analyseHost('h', vars, facts(site('a.example', '/etc/ssl/x'), unmanaged), {
      now,
      warnDays: 30,
      liveSerials: new Map([['a', serial]]),
    });
    expect(copied.findings).toEqual([]);
    expect(copied.report.certificates[0]).toMatchObject({ managed_name: 'a', current: true });
    const stale = analyseHost('h', vars, facts(site('a.example', D), pair(good)), {
      now,
      warnDays: 30,
      liveSerials: new Map([['a', '01']]),
    });
    expect(codes(stale)).toEqual(['CERT_OUTDATED']);
  });

  it('reports distro and web-server drift against the inventory', () => {
    const f = facts(site('a.example', D), pair(good));
    const r = analyseHost('h', { distro: 'centos', webserver: 'apache2' }, f, { now, warnDays: 30 });
    expect(r.findings.map((x) => [x.code, x.message])).toEqual([
      ['DISTRO_DRIFT', 'inventory says distro "centos", host runs Debian GNU/Linux 12 (bookworm)'],
      ['WEBSERVER_DRIFT', 'inventory says webserver apache2, host runs nginx'],
    ]);
    expect(
      analyseHost('h', { distro: 'debian12', webserver: 'nginx' }, f, { now, warnDays: 30 }).findings,
    ).toEqual([]);
  });

  it('checks chain order and signatures', () => {
    const [leaf] = parseCertificates(good.cert);
    const [i] = parseCertificates(int.cert);
    expect(chainProblem([leaf, i])).toBeUndefined();
    expect(chainProblem([i, leaf])).toMatch(
      /certificate 1 \(CN=Audit Test Intermediate\) is not signed by certificate 2/,
    );
    expect(chainProblem([leaf])).toBe(
      'the issuer of CN=a.example (CN=Audit Test Intermediate) is missing from the file',
    );
  });
});
