// route53 provider through the AWS SDK against a strict local Route53 fake that writes into a real bind9.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider, withDnsChallenges, type Dns01Options } from '../../src/dns/dns01.js';
import { updateTarget } from '../../src/dns/providers/rfc2136/index.js';
import { startBind9, type Bind9Lab } from '../lab/bind9.js';
import { startRoute53Fake, type Route53Fake } from '../fakes/route53-server.js';

let lab: Bind9Lab;
let fake: Route53Fake;
const keys = { accessKeyId: 'AKIACERTFLEETTEST01', secretAccessKey: 'route53-secret-key-abcdefghijklmnop' };

beforeAll(async () => {
  lab = await startBind9({ zones: ['example.test', 'example.org'] });
  fake = await startRoute53Fake({
    zones: ['example.test', 'example.org'],
    bind9: updateTarget({
      nameserver: `127.0.0.1:${lab.port}`,
      tsig_key_name: lab.tsig.name,
      tsig_secret: lab.tsig.secret,
      tsig_algorithm: lab.tsig.algorithm,
      ttl: 60,
      timeout_ms: 5000,
    }),
    ...keys,
  });
});

afterAll(async () => {
  await fake?.stop();
  await lab?.stop();
});

function config(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    endpoint: fake.endpoint,
    access_key_id: keys.accessKeyId,
    secret_access_key: keys.secretAccessKey,
    change_interval_ms: 50,
    change_timeout_ms: 3000,
    ...extra,
  };
}

function opts(extra: Record<string, unknown> = {}): Dns01Options {
  return {
    provider: 'route53',
    config: config(extra),
    nameservers: [`127.0.0.1:${lab.port}`],
    authoritativeOverride: lab.authoritativeOverride,
    propagationTimeoutMs: 5000,
    propagationIntervalMs: 200,
  };
}

const signal = (): AbortSignal => AbortSignal.timeout(20_000);

describe('route53 provider', () => {
  it('merges apex + wildcard values into one set, waits for INSYNC, then deletes exactly it', async () => {
    fake.requests.length = 0;
    const seen = await withDnsChallenges(
      [
        { domain: 'example.test', value: 'r53-apex' },
        { domain: '*.example.test', value: 'r53-wild' },
      ],
      opts(),
      async () => ({
        dns: await lab.txt('_acme-challenge.example.test'),
        set: fake.set('_acme-challenge.example.test'),
      }),
    );
    expect(seen.dns.sort()).toEqual(['r53-apex', 'r53-wild']);
    expect(seen.set?.values).toEqual(['"r53-apex"', '"r53-wild"']);
    expect(fake.set('_acme-challenge.example.test')).toBeUndefined();
    expect(await lab.txt('_acme-challenge.example.test')).toEqual([]);
    const calls = fake.requests.map(
      (r) => `${r.method} ${r.path.replace(/Z[0-9A-F]+|C[0-9A-F]+/, 'ID')} ${r.status}`,
    );
    expect(calls.filter((c) => c.startsWith('GET /2013-04-01/change/')).length).toBeGreaterThanOrEqual(4);
    expect(calls.filter((c) => c === 'GET /2013-04-01/hostedzonesbyname 200')).toHaveLength(1);
  });

  it('keeps values it did not add (cleanup UPSERTs the rest)', async () => {
    const p = createProvider('route53', config());
    const other = {
      domain: 'keep.example.test',
      fqdn: '_acme-challenge.keep.example.test.',
      zone: 'example.test.',
      value: 'not-ours',
    };
    await p.present(other, signal());
    try {
      const seen = await withDnsChallenges([{ domain: 'keep.example.test', value: 'ours' }], opts(), () =>
        lab.txt('_acme-challenge.keep.example.test'),
      );
      expect(seen.sort()).toEqual(['not-ours', 'ours']);
      expect(fake.set('_acme-challenge.keep.example.test')?.values).toEqual(['"not-ours"']);
      expect(await lab.txt('_acme-challenge.keep.example.test')).toEqual(['not-ours']);
    } finally {
      await p.cleanup(other, signal());
    }
    // already gone: tolerated
    await p.cleanup(other, signal());
    expect(fake.set('_acme-challenge.keep.example.test')).toBeUndefined();
  });

  it('retries when throttled, then succeeds', async () => {
    fake.requests.length = 0;
    fake.knobs.throttleNext = 2;
    const seen = await withDnsChallenges(
      [{ domain: 'throttle.example.org', value: 'slow-down' }],
      opts(),
      () => lab.txt('_acme-challenge.throttle.example.org'),
    );
    expect(seen).toEqual(['slow-down']);
    expect(fake.requests.filter((r) => r.code === 'Throttling')).toHaveLength(2);
  });

  it('gives up with a clear error when throttling lasts', async () => {
    fake.knobs.throttleNext = 100;
    try {
      await expect(
        withDnsChallenges([{ domain: 'example.org', value: 'x' }], opts({ max_attempts: 2 }), async () => 1),
      ).rejects.toThrow('route53: finding the hosted zone example.org.: Throttling: Rate exceeded');
    } finally {
      fake.knobs.throttleNext = 0;
    }
  });

  it('times out when the change never reaches INSYNC', async () => {
    fake.knobs.neverInsync = true;
    try {
      await expect(
        withDnsChallenges(
          [{ domain: 'stuck.example.test', value: 'x' }],
          opts({ change_timeout_ms: 500 }),
          async () => 1,
        ),
      ).rejects.toThrow(
        /^route53: UPSERT of TXT _acme-challenge\.stuck\.example\.test\.: change \/change\/C[0-9A-F]+ still PENDING after 0\.5s \(GetChange never said INSYNC\)$/,
      );
    } finally {
      fake.knobs.neverInsync = false;
    }
    // the cleanup in finally waited in vain too, but the set is gone from the zone
    expect(fake.set('_acme-challenge.stuck.example.test')).toBeUndefined();
  });

  it('refuses a wrong secret key (SigV4 checked), without printing it', async () => {
    const wrong = 'wrong-secret-key-zzzzzzzzzzzzzzzz';
    const err = await withDnsChallenges(
      [{ domain: 'example.test', value: 'x' }],
      opts({ secret_access_key: wrong }),
      async () => 1,
    ).catch((e: Error) => e);
    expect((err as Error).message).toMatch(
      /^route53: finding the hosted zone example\.test\.: SignatureDoesNotMatch: The request signature we calculated/,
    );
    expect((err as Error).message).not.toContain(wrong);
  });

  it('uses hosted_zone_id without looking the zone up', async () => {
    fake.requests.length = 0;
    const seen = await withDnsChallenges(
      [{ domain: 'byid.example.test', value: 'by-id' }],
      opts({ hosted_zone_id: fake.zoneId('example.test') }),
      () => lab.txt('_acme-challenge.byid.example.test'),
    );
    expect(seen).toEqual(['by-id']);
    expect(fake.requests.filter((r) => r.path.endsWith('/hostedzonesbyname'))).toEqual([]);
  });

  it('names a zone that is not hosted', async () => {
    const p = createProvider('route53', config());
    await expect(
      p.present(
        { domain: 'x.invalid', fqdn: '_acme-challenge.x.invalid.', zone: 'x.invalid.', value: 'v' },
        signal(),
      ),
    ).rejects.toThrow('route53: no hosted zone named x.invalid. (set hosted_zone_id?)');
  });
});
