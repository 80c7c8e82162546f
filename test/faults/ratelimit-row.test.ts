/**
 * Row 15: the CA rate-limits new orders (HTTP 429, `Retry-After`, `rateLimited` problem document),
 * through `certfleet run playbooks/site.yml` on a fleet lab. A short Retry-After is waited out and
 * the order retried exactly once; a long one stops the run at once with one line naming the
 * certificate, "rate limited" and when to retry — every host still serving its previous valid
 * certificate, no TXT record left, the store untouched — and the run converges once the limit is gone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeSerial } from '../../src/store/cert-pem.js';
import { startAcmeProxy, type AcmeProxy } from './acme-proxy.js';
import { errorLines, txtRecords } from './fault-helpers.js';
import { SITE_PLAYBOOK, startFleetLab, type FleetLab } from './fleet-lab.js';
import { recordRow } from './record.js';
import { recap } from './rollback-faults.js';

const DOMAINS = ['*.example.test', 'example.test'];
// a set that differs from the stored one makes the next run renew (site.yml has no `force`)
const MORE_DOMAINS = [...DOMAINS, 'www.example.test'];
// a renewal changes every host's delivery, plus the certificate task on web1 (it runs once, on the first host)
const RENEWED_CHANGES: Record<string, number> = { web1: 2, web2: 1, lb1: 1 };
let f: FleetLab;
let proxy: AcmeProxy;

beforeAll(async () => {
  // Pebble rejects 5% of nonces by default (row 14's subject): a badNonce retry would blur the count
  // of new-order requests this row is about
  f = await startFleetLab({ pebbleEnv: { PEBBLE_WFE_NONCEREJECT: '0' } });
  proxy = await startAcmeProxy(f.pebble);
  const first = await f.cli(['run', SITE_PLAYBOOK]);
  expect(first.code, first.out).toBe(0);
}, 120_000);
afterAll(async () => {
  await proxy?.stop();
  await f?.stop();
});

/** TXT records left at every challenge name of MORE_DOMAINS. */
function leftTxt(): string[] {
  return [...f.txt(), ...txtRecords(f.bind.port, '_acme-challenge.www.example.test')];
}

/** The store's live certificate (bytes) and its serial as a handshake reports it. */
function live(): { fullchain: string; privkey: string; serial: string } {
  const dir = join(f.stateDir, 'certs/wildcard');
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { serial: string };
  return {
    fullchain: readFileSync(join(dir, 'live/fullchain.pem'), 'utf8'),
    privkey: readFileSync(join(dir, 'live/privkey.pem'), 'utf8'),
    serial: normalizeSerial(meta.serial),
  };
}

describe('row 15: ACME 429 with Retry-After', () => {
  it('waits a short Retry-After once; stops on a long one naming the certificate; converges after', async () => {
    const hosts = f.lab.hosts.map((h) => h.name);
    const first = live();

    // short: one 429 with Retry-After 2, then the CA answers again
    proxy.limitNewOrders(2, 1);
    await f.writeInventory({ acme_directory: proxy.directoryUrl, cert_domains: MORE_DOMAINS });
    const short = await f.cli(['run', SITE_PLAYBOOK]);
    expect(short.code, short.out).toBe(0);
    expect(errorLines(short.out)).toEqual([]);
    const orders = proxy.newOrders();
    expect(orders.map((h) => h.status)).toEqual([429, 201]);
    const waited = orders[1].at - orders[0].at;
    expect(waited).toBeGreaterThanOrEqual(2000);
    // retried once, not hammered: the retry comes right after the wait, not seconds later
    expect(waited).toBeLessThan(4000);
    const renewed = live();
    expect(renewed.serial).not.toBe(first.serial);
    expect(await f.serials()).toEqual(Object.fromEntries(hosts.map((h) => [h, renewed.serial])));
    expect(leftTxt()).toEqual([]);
    for (const h of hosts)
      expect(recap(short.out)[h], short.out).toMatchObject({ changed: RENEWED_CHANGES[h], failed: 0 });

    // long: Retry-After one hour, for every new order
    proxy.limitNewOrders(3600, 1000);
    await f.writeInventory({ acme_directory: proxy.directoryUrl, cert_domains: DOMAINS });
    const hitsBefore = proxy.hits.length;
    const long = await f.cli(['run', SITE_PLAYBOOK]);
    expect(long.code, long.out).toBe(2);
    const errs = errorLines(long.out);
    expect(errs, long.out).toHaveLength(1);
    expect(errs[0]).toMatch(
      /^failed: \[web1\] => acme: order for \*\.example\.test, example\.test: new order: rate limited at https:\/\/127\.0\.0\.1:\d+\/order-plz: too many new orders recently: .*; retry after (\S+)$/,
    );
    const limited = proxy.hits.slice(hitsBefore).filter((h) => h.status === 429);
    expect(limited).toHaveLength(1);
    // nothing after the 429: no retry, no authorization, no DNS step
    expect(proxy.hits.at(-1)).toBe(limited[0]);
    const retryAt = Date.parse(/retry after (\S+)$/.exec(errs[0])![1]);
    expect(Math.abs(retryAt - (limited[0].at + 3600_000))).toBeLessThan(5000);
    expect(long.seconds).toBeLessThan(20);
    for (const h of hosts) expect(recap(long.out)[h], long.out).toMatchObject({ changed: 0, failed: 1 });
    expect(await f.serials()).toEqual(Object.fromEntries(hosts.map((h) => [h, renewed.serial])));
    expect(leftTxt()).toEqual([]);
    expect(live()).toEqual(renewed);

    // the limit gone (and the proxy with it): straight to Pebble, renewed and delivered, then steady
    await proxy.stop();
    await f.writeInventory({ cert_domains: DOMAINS });
    const rerun = await f.cli(['run', SITE_PLAYBOOK]);
    expect(rerun.code, rerun.out).toBe(0);
    for (const h of hosts)
      expect(recap(rerun.out)[h], rerun.out).toMatchObject({ changed: RENEWED_CHANGES[h], failed: 0 });
    const after = live();
    expect(after.serial).not.toBe(renewed.serial);
    expect(await f.serials()).toEqual(Object.fromEntries(hosts.map((h) => [h, after.serial])));
    expect(leftTxt()).toEqual([]);
    const steady = await f.cli(['run', SITE_PLAYBOOK]);
    expect(steady.code, steady.out).toBe(0);
    for (const h of hosts) expect(recap(steady.out)[h], steady.out).toMatchObject({ changed: 0, failed: 0 });

    recordRow({
      row: '15',
      fault:
        'the CA answers new orders with 429 + Retry-After + urn:ietf:params:acme:error:rateLimited (HTTPS proxy in front of Pebble): once with Retry-After 2 s, then always with 3600 s',
      user_sees: errs[0]
        .replace(/127\.0\.0\.1:\d+/, '127.0.0.1:PORT')
        .replace(/after \S+$/, 'after <now+3600 s>'),
      exit_code: 2,
      host_serves_after: `2 s: waited ${(waited / 1000).toFixed(1)} s, one retry, renewed and delivered; 3600 s: stopped after ${long.seconds.toFixed(1)} s with no further request, every host still serves its previous valid certificate, store's live certificate unchanged, no TXT left in bind9`,
      rerun: 'limit gone: renewed and delivered (changed web1=2, web2=1, lb1=1), then changed=0',
      test: 'test/faults/ratelimit-row.test.ts',
    });
  }, 240_000);
});
