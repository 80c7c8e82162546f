/**
 * Row 14: Pebble rejecting half of the nonces (PEBBLE_WFE_NONCEREJECT=50) — `badNonce` is retried
 * with the fresh nonce (the ACME traffic goes through a counting proxy, so the rejections are seen to
 * happen), so `certfleet run playbooks/site.yml` on a fleet lab issues and delivers
 * without a user-visible error: every host serves the new certificate (valid chain, name, dates), no
 * TXT record is left in bind9, and the re-run is unchanged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeSerial } from '../../src/store/cert-pem.js';
import { startAcmeProxy, type AcmeProxy } from './acme-proxy.js';
import { errorLines } from './fault-helpers.js';
import { SITE_PLAYBOOK, startFleetLab, type FleetLab } from './fleet-lab.js';
import { recordRow } from './record.js';
import { recap } from './rollback-faults.js';

let f: FleetLab;
let proxy: AcmeProxy;

beforeAll(async () => {
  f = await startFleetLab({ pebbleEnv: { PEBBLE_WFE_NONCEREJECT: '50' } });
  proxy = await startAcmeProxy(f.pebble);
  await f.writeInventory({ acme_directory: proxy.directoryUrl });
}, 120_000);
afterAll(async () => {
  await proxy?.stop();
  await f?.stop();
});

describe('row 14: PEBBLE_WFE_NONCEREJECT=50', () => {
  it('issues and delivers despite rejected nonces, every host valid, no TXT left, re-run unchanged', async () => {
    const hosts = f.lab.hosts.map((h) => h.name);
    // an issuance signs well over ten JWS requests, each rejected with a 50% chance: all passing by luck
    // is below 1 in 1,000
    const first = await f.cli(['run', SITE_PLAYBOOK, '-v']);
    expect(first.code, first.out).toBe(0);
    expect(errorLines(first.out)).toEqual([]);
    expect(first.out).not.toContain(f.bind.tsig.secret);
    // the certificate task runs once, on web1; every host gets the certificate delivered
    expect(recap(first.out), first.out).toMatchObject({
      web1: { changed: 2, failed: 0 },
      web2: { changed: 1, failed: 0 },
      lb1: { changed: 1, failed: 0 },
    });
    const meta = JSON.parse(readFileSync(join(f.stateDir, 'certs/wildcard/meta.json'), 'utf8')) as {
      serial: string;
    };
    const serial = normalizeSerial(meta.serial);
    expect(await f.serials()).toEqual(Object.fromEntries(hosts.map((h) => [h, serial])));
    expect(f.txt()).toEqual([]);
    const rejected = proxy.hits.filter((h) => h.problem === 'urn:ietf:params:acme:error:badNonce').length;
    expect(rejected).toBeGreaterThan(0);

    const again = await f.cli(['run', SITE_PLAYBOOK, '-v']);
    expect(again.code, again.out).toBe(0);
    expect(errorLines(again.out)).toEqual([]);
    for (const h of hosts) expect(recap(again.out)[h], again.out).toMatchObject({ changed: 0, failed: 0 });
    expect(await f.serials()).toEqual(Object.fromEntries(hosts.map((h) => [h, serial])));
    expect(f.txt()).toEqual([]);

    recordRow({
      row: '14',
      fault: 'Pebble rejects 50% of nonces (PEBBLE_WFE_NONCEREJECT=50)',
      user_sees: `(no error: ${rejected} badNonce rejections retried with the nonce of the rejection)`,
      exit_code: 0,
      host_serves_after:
        'certificate issued and delivered: every host (nginx, Apache, HAProxy) serves it with a valid chain, name and dates; no TXT left in bind9',
      rerun: 'changed=0 on every host',
      test: 'test/faults/acme-rows.test.ts',
    });
  }, 240_000);
});
