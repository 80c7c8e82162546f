// ovh provider through the official client against a strict local OVH fake that writes into a real bind9.
import { globalAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDnsChallenges, type Dns01Options } from '../../src/dns/dns01.js';
import { updateTarget } from '../../src/dns/providers/rfc2136/index.js';
import { requestCredentials } from '../../src/dns/providers/ovh/credentials.js';
import { startBind9, type Bind9Lab } from '../lab/bind9.js';
import { startOvhFake, type OvhFake } from '../fakes/ovh-server.js';

let lab: Bind9Lab;
let fake: OvhFake;
const savedCa = globalAgent.options.ca;
const creds = {
  applicationKey: 'app-key-1234',
  applicationSecret: 'app-secret-5678abcd',
  consumerKey: 'consumer-key-9012efgh',
};

beforeAll(async () => {
  lab = await startBind9({ zones: ['example.test', 'example.org'] });
  fake = await startOvhFake({
    zones: ['example.test', 'example.org'],
    bind9: updateTarget({
      nameserver: `127.0.0.1:${lab.port}`,
      tsig_key_name: lab.tsig.name,
      tsig_secret: lab.tsig.secret,
      tsig_algorithm: lab.tsig.algorithm,
      ttl: 60,
      timeout_ms: 5000,
    }),
    ...creds,
  });
  // the ovh client uses Node's global HTTPS agent and no CA option: trust the fake's certificate there
  globalAgent.options.ca = [...rootCertificates, fake.ca];
});

afterAll(async () => {
  globalAgent.options.ca = savedCa;
  await fake?.stop();
  await lab?.stop();
});

function opts(config: Record<string, unknown> = {}): Dns01Options {
  return {
    provider: 'ovh',
    config: {
      endpoint: fake.url,
      application_key: creds.applicationKey,
      application_secret: creds.applicationSecret,
      consumer_key: creds.consumerKey,
      backoff_ms: 50,
      ...config,
    },
    nameservers: [`127.0.0.1:${lab.port}`],
    authoritativeOverride: lab.authoritativeOverride,
    propagationTimeoutMs: 5000,
    propagationIntervalMs: 200,
  };
}

describe('ovh provider', () => {
  it('adds apex + wildcard values, refreshes, and removes exactly them', async () => {
    fake.requests.length = 0;
    const seen = await withDnsChallenges(
      [
        { domain: 'example.test', value: 'ovh-apex' },
        { domain: '*.example.test', value: 'ovh-wild' },
      ],
      opts(),
      async () => ({
        dns: await lab.txt('_acme-challenge.example.test'),
        api: fake.records('example.test').map((r) => r.target),
      }),
    );
    expect(seen.dns.sort()).toEqual(['ovh-apex', 'ovh-wild']);
    expect(seen.api.sort()).toEqual(['"ovh-apex"', '"ovh-wild"']);
    expect(await lab.txt('_acme-challenge.example.test')).toEqual([]);
    expect(fake.records('example.test')).toEqual([]);
    const calls = fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(calls[0]).toBe('GET /1.0/auth/time 200');
    expect(calls).toContain('POST /1.0/domain/zone/example.test/refresh 200');
    expect(calls).toContain('GET /1.0/domain/zone/example.test/record 200');
    expect(calls.filter((c) => c.startsWith('DELETE /1.0/domain/zone/example.test/record/'))).toHaveLength(2);
  });

  it('compensates a server clock one hour ahead through /auth/time', async () => {
    fake.knobs.clockOffsetSec = 3600;
    try {
      const seen = await withDnsChallenges([{ domain: 'clock.example.test', value: 'late' }], opts(), () =>
        lab.txt('_acme-challenge.clock.example.test'),
      );
      expect(seen).toEqual(['late']);
    } finally {
      fake.knobs.clockOffsetSec = 0;
    }
  });

  it('fails clearly on a wrong signature, without leaking the secret, leaving nothing behind', async () => {
    const wrong = 'wrong-secret-0000zzzz';
    const err = await withDnsChallenges(
      [{ domain: 'example.test', value: 'nope' }],
      opts({ application_secret: wrong }),
      async () => 1,
    ).catch((e: Error) => e);
    expect((err as Error).message).toBe(
      'ovh: POST /domain/zone/example.test/record failed: HTTP 403 Invalid signature',
    );
    expect((err as Error).message).not.toContain(wrong);
    expect(fake.records('example.test')).toEqual([]);
    expect(await lab.txt('_acme-challenge.example.test')).toEqual([]);
  });

  it('retries 5xx with backoff, then gives a clear error', async () => {
    fake.knobs.failNext = 2;
    const seen = await withDnsChallenges([{ domain: 'retry.example.test', value: 'again' }], opts(), () =>
      lab.txt('_acme-challenge.retry.example.test'),
    );
    expect(seen).toEqual(['again']);
    fake.knobs.failNext = 100;
    try {
      await expect(
        withDnsChallenges([{ domain: 'down.example.test', value: 'x' }], opts(), async () => 1),
      ).rejects.toThrow('ovh: GET /auth/time failed (after 4 attempts): HTTP 500 Internal server error');
    } finally {
      fake.knobs.failNext = 0;
    }
  });

  it('requests a consumer key limited to one zone', async () => {
    const answer = await requestCredentials({
      endpoint: fake.url,
      applicationKey: creds.applicationKey,
      applicationSecret: creds.applicationSecret,
      zone: 'example.test',
    });
    expect(answer.accessRules).toEqual([
      { method: 'GET', path: '/domain/zone/example.test/*' },
      { method: 'POST', path: '/domain/zone/example.test/*' },
      { method: 'DELETE', path: '/domain/zone/example.test/*' },
      { method: 'POST', path: '/domain/zone/example.test/refresh' },
    ]);
    expect(answer.state).toBe('pendingValidation');
    // not validated yet
    await expect(
      withDnsChallenges(
        [{ domain: 'ck.example.test', value: 'v' }],
        opts({ consumer_key: answer.consumerKey }),
        async () => 1,
      ),
    ).rejects.toThrow('HTTP 403 This credential is not valid');
    fake.validate(answer.validationUrl);
    const seen = await withDnsChallenges(
      [{ domain: 'ck.example.test', value: 'v' }],
      opts({ consumer_key: answer.consumerKey }),
      () => lab.txt('_acme-challenge.ck.example.test'),
    );
    expect(seen).toEqual(['v']);
    // another zone is not granted
    await expect(
      withDnsChallenges(
        [{ domain: 'example.org', value: 'v' }],
        opts({ consumer_key: answer.consumerKey }),
        async () => 1,
      ),
    ).rejects.toThrow(
      'ovh: POST /domain/zone/example.org/record failed: HTTP 403 This call has not been granted',
    );
  });
});
