import { describe, expect, it } from 'vitest';
import { registerSecret } from '../output/redact.js';
import { exitCodeFor, finding, sortFindings } from './findings.js';
import { renderHtml } from './report-html.js';
import { renderText } from './report-text.js';
import type { AuditReport, HostReport } from './types.js';

const host = (name: string, days: number[], reachable = true): HostReport => ({
  host: name,
  address: `10.0.0.${name.length}`,
  reachable,
  distro: reachable ? { id: 'debian', version: '12', pretty: 'Debian GNU/Linux 12 (bookworm)' } : undefined,
  declared: {},
  webservers: { installed: ['nginx'], running: reachable ? ['nginx'] : [] },
  sites: [],
  certificates: days.map((d, i) => ({
    path: `/etc/ssl/certfleet/${name}${i}/fullchain.pem`,
    subject: `CN=${name}.example`,
    sans: [`${name}.example`],
    issuer: 'CN=CA',
    serial: '01',
    not_after: '2027-01-01T00:00:00.000Z',
    days_left: d,
    fingerprint_sha256: 'AA',
    key_matches: true,
    chain_complete: true,
    current: null,
    ocsp_urls: [],
  })),
  served: [],
});

function report(): AuditReport {
  const findings = sortFindings([
    finding('CERT_NOT_MANAGED', 'web1', 'info text'),
    finding('TLS_LEGACY_PROTOCOL', 'web1', 'nginx site enables TLSv1', { site: 'web1.example' }),
    finding('HOST_UNREACHABLE', 'web3', 'web3: cannot connect'),
    finding('CERT_EXPIRED', 'web2', 'expired <script>alert(1)</script>', {
      site: 'web2.example',
      path: '/x',
    }),
  ]);
  return {
    schema: 'certfleet.audit/v1',
    generated_at: '2026-11-25T03:00:00.000Z',
    hosts: [host('web1', [80]), host('web2', [-3, 12]), host('web3', [], false)],
    findings,
    summary: {
      hosts: 3,
      unreachable: 1,
      certificates: 3,
      critical: 2,
      warning: 1,
      info: 1,
      exit_code: exitCodeFor(findings),
    },
  };
}

describe('findings', () => {
  it('sort by severity then host, and decide the exit code', () => {
    const r = report();
    expect(r.findings.map((f) => `${f.severity}:${f.host}:${f.code}`)).toEqual([
      'critical:web2:CERT_EXPIRED',
      'critical:web3:HOST_UNREACHABLE',
      'warning:web1:TLS_LEGACY_PROTOCOL',
      'info:web1:CERT_NOT_MANAGED',
    ]);
    expect(exitCodeFor(r.findings)).toBe(2);
    expect(exitCodeFor(r.findings.filter((f) => f.severity !== 'critical'))).toBe(1);
    expect(exitCodeFor(r.findings.filter((f) => f.severity === 'info'))).toBe(0);
  });
});

describe('renderText', () => {
  it('prints the host table, the sorted findings and the summary line', () => {
    expect(renderText(report())).toBe(
      [
        'HOST  ADDRESS   DISTRO       RUNNING  SITES  CERTS  MIN DAYS  CRIT  WARN  INFO',
        'web1  10.0.0.4  debian 12    nginx    0      1      80        0     1     1',
        'web2  10.0.0.4  debian 12    nginx    0      2      -3        1     0     0',
        'web3  10.0.0.4  unreachable  -        0      0      -         1     0     0',
        '',
        'SEVERITY  HOST  CODE                 MESSAGE',
        'CRITICAL  web2  CERT_EXPIRED         expired <script>alert(1)</script>',
        'CRITICAL  web3  HOST_UNREACHABLE     web3: cannot connect',
        'WARNING   web1  TLS_LEGACY_PROTOCOL  nginx site enables TLSv1',
        'INFO      web1  CERT_NOT_MANAGED     info text',
        '',
        '3 hosts (1 unreachable), 3 certificates: 2 critical, 1 warning, 1 info',
        '',
      ].join('\n'),
    );
  });
  it('redacts registered secrets', () => {
    registerSecret('s3cr3t-token');
    const r = report();
    r.findings[0].message = 'failed with s3cr3t-token';
    expect(renderText(r)).toContain('failed with ********');
    expect(renderHtml(r)).toContain('failed with ********');
  });
});

describe('renderHtml', () => {
  const html = renderHtml(report(), { warnDays: 30 });
  it('is one self-contained page that cannot fetch anything', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(
      `content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"`,
    );
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
  });
  it('escapes every value and renders one row per finding and one dot per certificate', () => {
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('expired &#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html.match(/<tr data-severity=/g)).toHaveLength(4);
    expect(html.match(/<circle /g)).toHaveLength(3);
    expect(html).toContain('<option value="HOST_UNREACHABLE">HOST_UNREACHABLE</option>');
  });
});
