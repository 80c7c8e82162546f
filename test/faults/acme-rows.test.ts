/**
 * Row 14: Pebble rejecting half of the nonces (PEBBLE_WFE_NONCEREJECT=50) — `badNonce` is retried
 * with the fresh nonce, so issuance through `certfleet run` succeeds without a user-visible error,
 * leaves no TXT record in bind9, and the re-run is unchanged.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { startAcmeLab, type AcmeLab } from '../integration/acme-lab.js';
import { recordRow } from './record.js';

const ROOT = join(import.meta.dirname, '..', '..');
let lab: AcmeLab;

beforeAll(async () => {
  lab = await startAcmeLab({ PEBBLE_WFE_NONCEREJECT: '50' });
  const b = lab.bind;
  writeFileSync(
    join(lab.dir, 'hosts.yml'),
    'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n',
  );
  writeFileSync(
    join(lab.dir, 'site.yml'),
    `- hosts: localhost
  gather_facts: false
  tasks:
    - name: wildcard certificate
      acme_certificate:
        name: nonce
        domains: ['*.example.test', 'example.test']
        directory: ${lab.pebble.directoryUrl}
        email: ops@example.test
        ca_bundle: ${lab.pebble.caCertFile}
        dns:
          provider: rfc2136
          nameserver: 127.0.0.1:${b.port}
          tsig_key_name: ${b.tsig.name}
          tsig_algorithm: ${b.tsig.algorithm}
          tsig_secret: ${b.tsig.secret}
          nameservers: ['127.0.0.1:${b.port}']
          authoritative_override: ${JSON.stringify(b.authoritativeOverride)}
          propagation_timeout: 10
          propagation_interval: 0.2
`,
  );
}, 120_000);
afterAll(async () => {
  await lab?.stop();
});

function certfleet(...args: string[]) {
  const r = spawnSync(
    process.execPath,
    ['--import', join(ROOT, 'node_modules/tsx/dist/loader.mjs'), join(ROOT, 'src/cli/index.ts'), ...args],
    { cwd: lab.dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } },
  );
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function challengeTxt(): string {
  const r = spawnSync(
    'dig',
    [
      '+short',
      '+time=2',
      '+tries=1',
      '-p',
      String(lab.bind.port),
      '@127.0.0.1',
      '_acme-challenge.example.test',
      'TXT',
    ],
    { encoding: 'utf8' },
  );
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe('row 14: PEBBLE_WFE_NONCEREJECT=50', () => {
  it('issues despite rejected nonces, cleans up, re-run unchanged', () => {
    // an issuance signs well over ten JWS requests, each rejected with a 50% chance: all passing by luck
    // is below 1 in 1,000
    for (let i = 0; i < 2; i++) {
      const r = certfleet('run', 'site.yml', '-i', 'hosts.yml', '-v', ...(i ? ['-e', 'x=1'] : []));
      expect(r.code, r.out).toBe(0);
      expect(r.out.split('\n').filter((l) => /^(failed|fatal):|^certfleet: error:/.test(l))).toEqual([]);
      expect(r.out).toMatch(i ? /localhost\s*: ok=1\s+changed=0/ : /localhost\s*: ok=1\s+changed=1/);
      expect(r.out).not.toContain(lab.bind.tsig.secret);
      expect(challengeTxt()).toBe('');
    }
    recordRow({
      row: '14',
      fault: 'Pebble rejects 50% of nonces (PEBBLE_WFE_NONCEREJECT=50)',
      user_sees: '(no error: badNonce retried with the nonce of the rejection)',
      exit_code: 0,
      host_serves_after: 'certificate issued; no TXT left in bind9',
      rerun: 'changed=0',
      test: 'test/faults/acme-rows.test.ts',
    });
  }, 240_000);
});
