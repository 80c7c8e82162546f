// DNS-01 core + rfc2136 provider against a real bind9 (started here, stopped in afterAll).
import { dnsJournal } from '../../src/dns/journal.js';
import { openStore } from '../../src/store/file-store.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider, withDnsChallenges, type Dns01Options } from '../../src/dns/dns01.js';
import { randomTsigKey, startBind9, type Bind9Lab } from '../lab/bind9.js';

const k512 = randomTsigKey(`k512-${process.pid}`, 'hmac-sha512');
let lab: Bind9Lab;
let stateDir: string;

beforeAll(async () => {
  lab = await startBind9({
    zones: ['example.test', 'example.org'],
    extraKeys: [k512],
    extraRecords: ['_acme-challenge.alias.example.test. 60 IN CNAME _acme-challenge.delegated.example.org.'],
  });
  stateDir = mkdtempSync(join(tmpdir(), 'certfleet-dns-state-'));
});

afterAll(async () => {
  await lab?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

function opts(extra: Partial<Dns01Options> = {}): Dns01Options {
  return {
    provider: 'rfc2136',
    config: {
      nameserver: `127.0.0.1:${lab.port}`,
      tsig_key_name: lab.tsig.name,
      tsig_algorithm: lab.tsig.algorithm,
      tsig_secret: lab.tsig.secret,
    },
    nameservers: [`127.0.0.1:${lab.port}`],
    authoritativeOverride: lab.authoritativeOverride,
    propagationTimeoutMs: 5000,
    propagationIntervalMs: 200,
    journalDir: stateDir,
    ...extra,
  };
}

describe('withDnsChallenges + rfc2136', () => {
  it('adds apex and wildcard values side by side, runs fn once they are served, then removes exactly them', async () => {
    // a value that is not ours must survive the cleanup
    const other = createProvider('nsupdate', opts().config);
    const foreign = {
      domain: 'example.test',
      fqdn: '_acme-challenge.example.test.',
      zone: 'example.test.',
      value: 'foreign',
    };
    await other.present(foreign, AbortSignal.timeout(5000));
    const seen = await withDnsChallenges(
      [
        { domain: 'example.test', value: 'apex-value' },
        { domain: '*.example.test', value: 'wildcard-value' },
      ],
      opts(),
      async () => lab.txt('_acme-challenge.example.test'),
    );
    expect(seen.sort()).toEqual(['apex-value', 'foreign', 'wildcard-value']);
    expect(await lab.txt('_acme-challenge.example.test')).toEqual(['foreign']);
    expect(await dnsJournal(openStore(stateDir)).read()).toEqual([]);
    await other.cleanup(foreign, AbortSignal.timeout(5000));
    // already gone: tolerated
    await other.cleanup(foreign, AbortSignal.timeout(5000));
    expect(await lab.txt('_acme-challenge.example.test')).toEqual([]);
  });

  it('finds the zone of a deep name by SOA walk', async () => {
    const seen = await withDnsChallenges([{ domain: 'a.b.c.example.org', value: 'deep' }], opts(), async () =>
      lab.txt('_acme-challenge.a.b.c.example.org'),
    );
    expect(seen).toEqual(['deep']);
    expect(await lab.txt('_acme-challenge.a.b.c.example.org')).toEqual([]);
  });

  it('follows a CNAME on _acme-challenge into another zone', async () => {
    const logs: string[] = [];
    const seen = await withDnsChallenges(
      [{ domain: 'alias.example.test', value: 'via-cname' }],
      opts({ log: (m) => logs.push(m) }),
      async () => lab.txt('_acme-challenge.delegated.example.org'),
    );
    expect(seen).toEqual(['via-cname']);
    expect(logs.join('\n')).toContain('is a CNAME to _acme-challenge.delegated.example.org.');
    expect(logs.join('\n')).toContain('in zone example.org.');
    expect(await lab.txt('_acme-challenge.delegated.example.org')).toEqual([]);
  });

  it('signs with an hmac-sha512 key', async () => {
    const cfg = {
      nameserver: `127.0.0.1:${lab.port}`,
      tsig_key_name: k512.name,
      tsig_algorithm: 'HMAC-SHA512',
      tsig_secret: k512.secret,
    };
    const seen = await withDnsChallenges(
      [{ domain: 'sha512.example.test', value: 'v512' }],
      opts({ config: cfg }),
      async () => lab.txt('_acme-challenge.sha512.example.test'),
    );
    expect(seen).toEqual(['v512']);
  });

  it('shows BADKEY for an unknown key, without the secret', async () => {
    const secret = randomTsigKey().secret;
    const cfg = { ...opts().config, tsig_key_name: 'no-such-key', tsig_secret: secret };
    const err = await withDnsChallenges(
      [{ domain: 'example.test', value: 'x' }],
      opts({ config: cfg, journalDir: undefined }),
      async () => 1,
    ).catch((e: Error) => e);
    expect(String((err as Error).message)).toBe(
      `rfc2136: update of _acme-challenge.example.test. refused by 127.0.0.1:${lab.port}: BADKEY (TSIG key "no-such-key" unknown to the server, or known with another algorithm than hmac-sha256)`,
    );
    expect(String((err as Error).message)).not.toContain(secret);
    expect(await lab.txt('_acme-challenge.example.test')).toEqual([]);
  });

  it('shows BADSIG for a wrong secret', async () => {
    const cfg = { ...opts().config, tsig_secret: randomTsigKey().secret };
    await expect(
      withDnsChallenges(
        [{ domain: 'example.test', value: 'x' }],
        opts({ config: cfg, journalDir: undefined }),
        async () => 1,
      ),
    ).rejects.toThrow(/: BADSIG \(TSIG key ".*" is known but the signature does not verify: wrong secret\)$/);
  });

  it('cleans up in finally when fn throws', async () => {
    await expect(
      withDnsChallenges([{ domain: 'boom.example.test', value: 'boom' }], opts(), async () => {
        expect(await lab.txt('_acme-challenge.boom.example.test')).toEqual(['boom']);
        throw new Error('validation failed');
      }),
    ).rejects.toThrow('validation failed');
    expect(await lab.txt('_acme-challenge.boom.example.test')).toEqual([]);
    expect(await dnsJournal(openStore(stateDir)).read()).toEqual([]);
  });

  it('cleans up after an abort signal too', async () => {
    const ac = new AbortController();
    await expect(
      withDnsChallenges(
        [{ domain: 'abort.example.test', value: 'abort' }],
        opts({ signal: ac.signal }),
        async () => {
          ac.abort(new Error('interrupted'));
          throw ac.signal.reason;
        },
      ),
    ).rejects.toThrow('interrupted');
    expect(await lab.txt('_acme-challenge.abort.example.test')).toEqual([]);
  });
});
