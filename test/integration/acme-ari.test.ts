// Renewal by ARI (RFC 9773) and badNonce resilience, against real Pebble + bind9. Pebble 2.4 has no
// renewalInfo: test/fakes/ari-server.ts serves Pebble's own directory plus a renewalInfo URL.
// This lab's Pebble rejects 50 % of nonces (PEBBLE_WFE_NONCEREJECT=50).
import { openStore } from '../../src/store/file-store.js';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as acme from 'acme-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acmeCertificateModule as mod } from '../../src/modules/acme_certificate.js';
import { startAriFake, type AriFake } from '../fakes/ari-server.js';
import { labParams, moduleContext, startAcmeLab, type AcmeLab } from './acme-lab.js';

let lab: AcmeLab;
let ari: AriFake;
beforeAll(async () => {
  lab = await startAcmeLab({ PEBBLE_WFE_NONCEREJECT: '50' });
  ari = await startAriFake(lab.pebble.directoryUrl, lab.pebble.agent);
});
afterAll(async () => {
  await ari?.stop();
  await lab?.stop();
});

const DAY = 86_400_000;
const metaPath = () => join(lab.dir, 'state/certs/ari/meta.json');
const readMeta = () => JSON.parse(readFileSync(metaPath(), 'utf8'));
function run(extra: Parameters<typeof labParams>[1] = {}) {
  const params = labParams(lab, { name: 'ari', directory: ari.directoryUrl, ...extra });
  return mod.run(moduleContext(params, { playbookDir: lab.dir }));
}

/**
 * The `replaces` field of every newOrder the CA accepted (201), decoded from the JWS on the wire
 * (badNonce retries resend the same request: only the accepted one counts).
 */
function watchNewOrders(): { replaces: (string | undefined)[]; stop(): void } {
  const replaces: (string | undefined)[] = [];
  const id = acme.axios.interceptors.response.use((resp) => {
    const { url, data } = resp.config;
    if (resp.status === 201 && url?.endsWith('/order-plz') && data) {
      const jws = (typeof data === 'string' ? JSON.parse(data) : data) as { payload: string };
      replaces.push(
        (JSON.parse(Buffer.from(jws.payload, 'base64url').toString()) as { replaces?: string }).replaces,
      );
    }
    return resp;
  });
  return { replaces, stop: () => acme.axios.interceptors.response.eject(id) };
}

/** RFC 9773 certID computed with openssl, independently of our code. */
function opensslCertId(certFile: string): string {
  const aki = execFileSync('openssl', ['x509', '-in', certFile, '-noout', '-ext', 'authorityKeyIdentifier'], {
    encoding: 'utf8',
  });
  const keyHex = /([0-9A-F]{2}(?::[0-9A-F]{2})+)/.exec(aki)![1].replace(/:/g, '');
  let serial = execFileSync('openssl', ['x509', '-in', certFile, '-noout', '-serial'], { encoding: 'utf8' })
    .trim()
    .split('=')[1];
  if (serial.length % 2) serial = `0${serial}`;
  if (parseInt(serial.slice(0, 2), 16) >= 0x80) serial = `00${serial}`; // DER INTEGER stays positive
  return `${Buffer.from(keyHex, 'hex').toString('base64url')}.${Buffer.from(serial, 'hex').toString('base64url')}`;
}

describe('renewal by ARI (fake renewalInfo in front of Pebble)', () => {
  it('stores the certID of a new certificate (checked against openssl)', async () => {
    const r = await run();
    expect(r.data).toMatchObject({ action: 'issue', changed: true });
    const certFile = openStore(join(lab.dir, 'state')).certs.livePaths('ari').cert;
    expect(readMeta().ari.cert_id).toBe(opensslCertId(certFile));
  });

  it('follows the suggested window: picks a time inside it, keeps it, honours Retry-After', async () => {
    const start = new Date(Date.now() + 10 * DAY).toISOString();
    const end = new Date(Date.now() + 12 * DAY).toISOString();
    ari.setWindow('*', { start, end }, 3600);
    const r = await run();
    expect(r.changed).toBe(false);
    const meta = readMeta();
    expect(ari.asked).toEqual([meta.ari.cert_id]);
    expect(r.data!.reason).toBe(`ARI window starts ${start}; chosen ${meta.ari.chosen}`);
    expect(Date.parse(meta.ari.chosen)).toBeGreaterThanOrEqual(Date.parse(start));
    expect(Date.parse(meta.ari.chosen)).toBeLessThanOrEqual(Date.parse(end));
    expect(Date.parse(meta.ari.retry_after) - Date.now()).toBeGreaterThan(3500_000);
    const again = await run();
    expect(again.data!.reason).toBe(r.data!.reason); // same chosen instant
    expect(ari.asked).toHaveLength(1); // Retry-After not yet passed: not asked again
  });

  it('renews when the chosen time has come, sending `replaces` with the old certID', async () => {
    const old = readMeta();
    old.ari.retry_after = new Date(Date.now() - 1000).toISOString();
    writeFileSync(metaPath(), JSON.stringify(old));
    const start = new Date(Date.now() - 2 * DAY).toISOString();
    ari.setWindow('*', { start, end: new Date(Date.now() - DAY).toISOString() });
    const orders = watchNewOrders();
    try {
      const r = await run();
      expect(r.data).toMatchObject({ action: 'renew', changed: true });
      expect(r.data!.reason).toMatch(new RegExp(`^ARI window starts ${start}; chosen `));
      expect(orders.replaces).toEqual([old.ari.cert_id]);
      expect(readMeta().serial).not.toBe(old.serial);
    } finally {
      orders.stop();
    }
  });

  it('without ARI (ari: false) falls back to the lifetime rule', async () => {
    const r = await run({ renew: { ari: false } });
    expect(r.data!.reason).toMatch(/^\d+ of \d+ days left \(renew at 1\/3\)$/);
  });
});

describe('badNonce resilience (PEBBLE_WFE_NONCEREJECT=50)', () => {
  it('issues 5 orders in a row although half the nonces are rejected', async () => {
    let badNonces = 0;
    const id = acme.axios.interceptors.response.use((resp) => {
      if ((resp.data as { type?: string })?.type === 'urn:ietf:params:acme:error:badNonce') badNonces++;
      return resp;
    });
    try {
      for (let i = 0; i < 5; i++) {
        const r = await run({ name: 'nonce', directory: lab.pebble.directoryUrl, renew: { force: true } });
        expect(r.changed).toBe(true);
      }
    } finally {
      acme.axios.interceptors.response.eject(id);
    }
    expect(badNonces).toBeGreaterThan(0);
  });
});
