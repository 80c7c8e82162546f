/**
 * Rows 10, 12 and 13 of issue 7: the DNS provider fails while `playbooks/site.yml` needs a new
 * certificate, on the fleet lab (bind9 + Pebble + nginx/apache2/haproxy hosts). Row 10: bind9 down
 * before the run and killed once the TXT values are published; row 12: the OVH fake refusing the
 * signature, answering 500 every second request, answering 500 always; row 13: the Route53 fake
 * throttling, and a change that never reaches INSYNC. Each asserts one error line naming the
 * step, exit 2 (a failed task in `run`), every host still serving its previous valid certificate,
 * no TXT record left (bind9 and the fake's own view, the cleanup journal doing what it promises),
 * no secret in the output, and a re-run that issues and delivers, then a run with changed=0.
 */
import { existsSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SITE_PLAYBOOK, startFleetLab, type FleetLab } from './fleet-lab.js';
import {
  AWS_KEYS,
  OVH_CREDS,
  failEverySecondRequest,
  failureLines,
  journal,
  recap,
  startProviderFakes,
  type ProviderFakes,
  type Recap,
} from './provider-faults.js';
import { recordRow } from './record.js';
import type { CliRun } from './fault-helpers.js';

const TEST = 'test/faults/provider-rows.test.ts';
const CHALLENGE = '_acme-challenge.example.test.';
let f: FleetLab;
let p: ProviderFakes;

/** A run that issues a certificate and delivers it everywhere: acme + nginx on web1, apache2, haproxy. */
const DELIVERED = {
  web1: { ok: 4, changed: 2, unreachable: 0, failed: 0 },
  web2: { ok: 3, changed: 1, unreachable: 0, failed: 0 },
  lb1: { ok: 3, changed: 1, unreachable: 0, failed: 0 },
};
/** Nothing to do. */
const UNCHANGED = {
  web1: { ok: 4, changed: 0, unreachable: 0, failed: 0 },
  web2: { ok: 3, changed: 0, unreachable: 0, failed: 0 },
  lb1: { ok: 3, changed: 0, unreachable: 0, failed: 0 },
};
/** The run-once certificate task failed: every host failed after its facts, nothing was delivered. */
const CERT_FAILED = {
  web1: { ok: 1, changed: 0, unreachable: 0, failed: 1 },
  web2: { ok: 1, changed: 0, unreachable: 0, failed: 1 },
  lb1: { ok: 1, changed: 0, unreachable: 0, failed: 1 },
};

beforeAll(async () => {
  f = await startFleetLab();
  p = await startProviderFakes(f);
  const good = await f.cli(['run', SITE_PLAYBOOK]);
  expect(good.code, good.out).toBe(0);
}, 120_000);
afterAll(async () => {
  await p?.stop();
  await f?.stop();
});

const run = (o: Parameters<FleetLab['cli']>[1] = {}): Promise<CliRun> =>
  f.cli(['run', SITE_PLAYBOOK], { env: p.env, ...o });

/** Every host serves one valid certificate (chain + name + dates against Pebble's root): its serial. */
async function servedSerial(): Promise<string> {
  const serials = Object.values(await f.serials());
  expect(serials).toHaveLength(3);
  expect(new Set(serials).size).toBe(1);
  return serials[0];
}

function expectRecap(r: CliRun, want: Recap): void {
  expect(recap(r.out), r.out).toEqual(want);
}

/** The certificate `name` was never stored (nothing issued, so nothing could be delivered). */
function notIssued(name: string): void {
  expect(existsSync(join(f.stateDir, 'certs', name, 'live', 'fullchain.pem'))).toBe(false);
}

/** The fault removed: the re-run issued and delivered; TXT records and journal empty; then unchanged. */
async function converges(fixed: CliRun, before: string): Promise<string> {
  expect(fixed.code, fixed.out).toBe(0);
  expect(failureLines(fixed.out)).toEqual([]);
  expectRecap(fixed, DELIVERED);
  const serial = await servedSerial();
  expect(serial).not.toBe(before);
  expect(f.txt()).toEqual([]);
  expect(await journal(f)).toEqual([]);
  const again = await run();
  expect(again.code, again.out).toBe(0);
  expectRecap(again, UNCHANGED);
  return serial;
}

describe('row 10: bind9 down during DNS-01', () => {
  it('down before the run, then killed once the TXT values are published: one line naming the nameserver, exit 2, the journal cleans up once bind9 is back', async () => {
    const started = Date.now();
    const before = await servedSerial();
    const port = f.bind.port;
    await f.writeInventory({ cert_name: 'row10', acme_dns: { ...f.rfc2136, propagation_timeout: 3 } });

    // (1) down before the run: the zone lookup cannot get an answer, nothing is presented
    await f.bind.stopPrimary();
    let down: CliRun;
    try {
      down = await run();
    } finally {
      await f.bind.startPrimary();
    }
    expect(down.code, down.out).toBe(2);
    const downErr = failureLines(down.out);
    expect(downErr, down.out).toHaveLength(1);
    expect(downErr[0]).toContain(CHALLENGE);
    expect(downErr[0]).toContain(`127.0.0.1:${port}`);
    expectRecap(down, CERT_FAILED);
    expect(await journal(f)).toEqual([]);
    expect(f.txt()).toEqual([]);
    expect(await servedSerial()).toBe(before);
    notIssued('row10');

    // (2) bind9 crashes (SIGKILL) as soon as it serves the first value: the run is between its
    // UPDATEs and the propagation check, and its cleanup cannot reach bind9 either. Polled back to
    // back (one query in flight at a time): measured under load, the kill lands on the second UPDATE
    const crash = run();
    let ended: CliRun | undefined;
    void crash.then((r) => (ended = r));
    let published: string[] = [];
    // the run needs only milliseconds from its first UPDATE to Pebble's own lookup: on a loaded
    // machine this poller must not wait for a CPU, so it runs at a higher priority (this thread only,
    // after the CLI child was spawned at the normal one) until the kill
    const priority = getPriority();
    setPriority(-15);
    try {
      while (!published.length) {
        // a run that ends before publishing anything has failed for another reason: show it
        if (ended) throw new Error(`the run ended before any TXT was published:\n${ended.out}`);
        published = await f.bind.txt(CHALLENGE).catch(() => []);
        if (!published.length) await new Promise((r) => setImmediate(r));
      }
      await f.bind.stopPrimary('SIGKILL');
    } finally {
      setPriority(priority);
    }
    let crashed: CliRun;
    try {
      crashed = await crash;
    } finally {
      await f.bind.startPrimary();
    }
    expect(crashed.code, crashed.out).toBe(2);
    const crashErr = failureLines(crashed.out);
    expect(crashErr, crashed.out).toHaveLength(1);
    // whichever step meets bind9 gone first (measured: mostly the second UPDATE; under load also the
    // zone's NS lookup, the propagation check or Pebble's own lookup) says so, naming the server
    const steps = [
      `rfc2136: update of ${CHALLENGE} failed: 127.0.0.1:${port}: `,
      `dns: NS query for example.test. failed: 127.0.0.1:${port}: `,
      `dns: propagation timeout after 3s: ns1.example.test. (127.0.0.1:${port}) did not answer `,
      'acme: order for *.example.test: challenge dns-01 failed: urn:ietf:params:acme:error:unauthorized: Error retrieving TXT records for DNS challenge',
    ];
    expect(
      steps.some((s) => crashErr[0].startsWith(`failed: [web1] => ${s}`)),
      crashErr[0],
    ).toBe(true);
    expect(crashErr[0]).toContain(`127.0.0.1:${port}`);
    expectRecap(crashed, CERT_FAILED);
    expect(await servedSerial()).toBe(before);
    notIssued('row10');
    // restarted from its update journal, bind9 still serves what the run added; every such value is
    // in the cleanup journal (run gone), which is what lets the next run remove it
    const left = await f.bind.txt(CHALLENGE);
    expect(left.length).toBeGreaterThan(0);
    const journaled = await journal(f);
    expect(journaled.every((e) => e.provider === 'rfc2136' && e.fqdn === CHALLENGE)).toBe(true);
    expect(journaled.map((e) => e.value).sort()).toEqual(expect.arrayContaining(left.sort()));
    expect(journaled.every((e) => e.pid !== process.pid)).toBe(true);

    // (3) bind9 back: the journal's values are removed first, then the certificate is issued
    const fixed = await run();
    await converges(fixed, before);
    expect(fixed.out).not.toMatch(/could not be removed/);
    for (const text of [down.out, crashed.out, fixed.out]) expect(text).not.toContain(f.bind.tsig.secret);

    const seconds = (Date.now() - started) / 1000;
    const clean = (line: string) =>
      line.replaceAll(`:${port}`, ':PORT').replace(/"[A-Za-z0-9_-]{43}"/g, '"<value>"');
    recordRow({
      row: '10',
      fault:
        'bind9 down: stopped before the run; killed (SIGKILL) as soon as it serves the first TXT value, restarted after the run',
      user_sees: `${clean(downErr[0])} | ${clean(crashErr[0])}`,
      exit_code: 2,
      host_serves_after: `every host still serves the previous valid certificate; nothing issued; after the crash bind9 restarts with ${left.length} TXT value(s) left, all in the cleanup journal (the crash is met by the 2nd UPDATE, the zone's NS lookup, the propagation check or Pebble's lookup, whichever comes first)`,
      rerun: `bind9 back: journaled values removed first, then issued and delivered (web1 changed=2, web2/lb1 changed=1, all hosts on the new serial), no TXT left; then changed=0 (row ${seconds.toFixed(1)} s)`,
      test: TEST,
    });
  }, 120_000);
});

/** `METHOD PATH STATUS` of each request the OVH fake answered. */
const ovhCalls = (): string[] => p.ovh.requests.map((r) => `${r.method} ${r.path} ${r.status}`);

describe('row 12: OVH refuses the signature / answers 500', () => {
  it('403 signature: one line, no retry; every 2nd request 500: retried, issued; always 500: bounded retries, clear line; no secret printed', async () => {
    const started = Date.now();
    const before = await servedSerial();
    const ovh = p.ovh;
    const wrong = 'row12-wrong-application-secret-00';
    const outputs: string[] = [];

    // (1) wrong application secret: OVH answers 403 INVALID_SIGNATURE, an answer that is not retried
    await f.writeInventory({ cert_name: 'row12', acme_dns: p.ovhDns({ application_secret: wrong }) });
    ovh.requests.length = 0;
    const refused = await run();
    outputs.push(refused.out);
    expect(refused.code, refused.out).toBe(2);
    const refusedErr = failureLines(refused.out);
    expect(refusedErr).toEqual([
      'failed: [web1] => ovh: POST /domain/zone/example.test/record failed: HTTP 403 Invalid signature',
    ]);
    expectRecap(refused, CERT_FAILED);
    // the clock (unsigned), the refused POST once, the cleanup's one look (refused too): no storm
    expect(ovhCalls()).toEqual([
      'GET /1.0/auth/time 200',
      'POST /1.0/domain/zone/example.test/record 403',
      'GET /1.0/domain/zone/example.test/record 403',
    ]);
    expect(ovh.records('example.test')).toEqual([]);
    expect(f.txt()).toEqual([]);
    expect(await servedSerial()).toBe(before);
    notIssued('row12');

    // (2) the right secret, and every second request answered 500: each is retried and issuance succeeds
    await f.writeInventory({ cert_name: 'row12', acme_dns: p.ovhDns() });
    ovh.requests.length = 0;
    const stopFlaky = failEverySecondRequest(ovh);
    let flaky: CliRun;
    try {
      flaky = await run();
    } finally {
      stopFlaky();
    }
    outputs.push(flaky.out);
    const flakyCalls = ovhCalls();
    const retried = flakyCalls.filter((c) => c.endsWith(' 500')).length;
    expect(retried).toBe(Math.floor(flakyCalls.length / 2));
    expect(retried).toBeGreaterThanOrEqual(5);
    // each 500 is followed by the same call, answered
    flakyCalls.forEach((c, i) => {
      if (c.endsWith(' 500')) expect(flakyCalls[i + 1]).toBe(c.replace(/ 500$/, ' 200'));
    });
    expect(ovh.records('example.test')).toEqual([]);
    const middle = await converges(flaky, before);

    // (3) every request answered 500: bounded attempts (4 per call), then one clear line
    await f.writeInventory({ cert_name: 'row12b', acme_dns: p.ovhDns() });
    ovh.requests.length = 0;
    ovh.knobs.failNext = 1000;
    let down: CliRun;
    try {
      down = await run();
    } finally {
      ovh.knobs.failNext = 0;
    }
    outputs.push(down.out);
    expect(down.code, down.out).toBe(2);
    const downErr = failureLines(down.out);
    expect(downErr).toEqual([
      'failed: [web1] => ovh: GET /auth/time failed (after 4 attempts): HTTP 500 Internal server error',
    ]);
    expectRecap(down, CERT_FAILED);
    // 4 attempts for the present's first call, 4 for the cleanup's, nothing more
    expect(ovhCalls()).toEqual(Array<string>(8).fill('GET /1.0/auth/time 500'));
    expect(ovh.records('example.test')).toEqual([]);
    expect(f.txt()).toEqual([]);
    expect(await servedSerial()).toBe(middle);
    notIssued('row12b');
    // the cleanup could not reach OVH: the value stays journaled for the next run; its own present
    // failed (most likely never added), so the one line above stays the only thing the user reads
    expect((await journal(f)).map((e) => [e.provider, e.fqdn])).toEqual([['ovh', CHALLENGE]]);
    expect(down.out).not.toMatch(/\[WARNING\]: dns: cleanup/);

    // (4) OVH answers again: issued and delivered
    const fixed = await run();
    outputs.push(fixed.out);
    expect(fixed.out).not.toMatch(/could not be removed/);
    await converges(fixed, middle);
    expect(ovh.records('example.test')).toEqual([]);

    for (const text of outputs) {
      for (const secret of [OVH_CREDS.applicationSecret, OVH_CREDS.consumerKey, wrong])
        expect(text).not.toContain(secret);
    }
    recordRow({
      row: '12',
      fault:
        'OVH API (fake): wrong application secret (403 INVALID_SIGNATURE); every 2nd request 500; every request 500',
      user_sees: `${refusedErr[0]} | ${downErr[0]}`,
      exit_code: 2,
      host_serves_after: `every host still serves the previous valid certificate; no record at the fake, no TXT in bind9; 403: 3 requests in all (no retry); always 500: 8 requests (4 attempts for the present, 4 for the cleanup, backoff from 50 ms), the value journaled; no application secret or consumer key in any output`,
      rerun: `every 2nd request 500: ${retried} calls retried, issued and delivered (web1 changed=2, web2/lb1 changed=1); OVH back after the 500s: the journaled value checked (never created), issued and delivered; then changed=0 (row ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      test: TEST,
    });
  }, 120_000);
});

describe('row 13: Route53 throttles / never reaches INSYNC', () => {
  it('a change never INSYNC: one line naming the change within the bound, TXT removed; throttled calls retried and issued; no secret printed', async () => {
    const started = Date.now();
    const before = await servedSerial();
    const r53 = p.route53;

    // (1) GetChange says PENDING forever: the bound is change_timeout_ms (1.5 s)
    await f.writeInventory({ cert_name: 'row13', acme_dns: p.route53Dns() });
    r53.requests.length = 0;
    r53.knobs.neverInsync = true;
    let stuck: CliRun;
    try {
      stuck = await run();
    } finally {
      r53.knobs.neverInsync = false;
    }
    expect(stuck.code, stuck.out).toBe(2);
    const stuckErr = failureLines(stuck.out);
    expect(stuckErr, stuck.out).toHaveLength(1);
    const m =
      /^failed: \[web1\] => route53: UPSERT of TXT _acme-challenge\.example\.test\.: change \/change\/(C[0-9A-F]+) still PENDING after 1\.5s \(GetChange never said INSYNC\)$/.exec(
        stuckErr[0],
      );
    expect(m, stuckErr[0]).not.toBeNull();
    const id = m![1];
    expectRecap(stuck, CERT_FAILED);
    // the change named is the UPSERT's, polled every 50 ms up to the bound and not beyond
    const polls = r53.requests.filter((r) => r.path === `/2013-04-01/change/${id}`).length;
    expect(polls).toBeGreaterThanOrEqual(10);
    expect(polls).toBeLessThanOrEqual(1500 / 50 + 1);
    // two change batches: the UPSERT of our value, then the cleanup removing it (applied at once:
    // the fake's set and bind9 are empty) whose change never becomes INSYNC either
    const batches = r53.requests.filter((r) => r.method === 'POST');
    expect(batches.map((r) => r.status)).toEqual([200, 200]);
    expect(r53.set(CHALLENGE)).toBeUndefined();
    expect(f.txt()).toEqual([]);
    // not confirmed INSYNC, so the value stays journaled: the next run checks it is gone
    expect((await journal(f)).map((e) => [e.provider, e.fqdn])).toEqual([['route53', CHALLENGE]]);
    expect(await servedSerial()).toBe(before);
    notIssued('row13');

    // (2) INSYNC again, and the first 2 calls throttled (400 Throttling): the SDK retries them
    r53.requests.length = 0;
    r53.knobs.throttleNext = 2;
    const fixed = await run();
    const throttled = r53.requests.filter((r) => r.code === 'Throttling');
    expect(throttled).toHaveLength(2);
    // retried: the throttled call is answered next
    const third = r53.requests[2];
    expect([third.method, third.path, third.status]).toEqual([throttled[1].method, throttled[1].path, 200]);
    expect(fixed.out).not.toMatch(/could not be removed/);
    await converges(fixed, before);
    expect(r53.set(CHALLENGE)).toBeUndefined();

    for (const text of [stuck.out, fixed.out]) expect(text).not.toContain(AWS_KEYS.secretAccessKey);
    recordRow({
      row: '13',
      fault:
        'Route53 API (fake): GetChange never says INSYNC (change_timeout_ms 1500); then the first 2 calls throttled (400 Throttling)',
      user_sees: stuckErr[0].replace(id, '<change-id>'),
      exit_code: 2,
      host_serves_after: `every host still serves the previous valid certificate; nothing issued; the UPSERT's change polled ${polls}× within 1.5 s, then the cleanup's DELETE batch applied (no record at the fake, no TXT in bind9) and the value kept in the journal; no AWS secret key in any output`,
      rerun: `INSYNC again, 2 throttled calls retried by the SDK: journaled value found gone, issued and delivered (web1 changed=2, web2/lb1 changed=1); then changed=0 (row ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      test: TEST,
    });
  }, 120_000);
});
