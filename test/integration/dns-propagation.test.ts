// Propagation on every authoritative nameserver, and cleanup of a crashed run, against real bind9s.
import { dnsJournal } from '../../src/dns/journal.js';
import { openStore } from '../../src/store/file-store.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupJournal, withDnsChallenges, type Dns01Options } from '../../src/dns/dns01.js';
import { startBind9, type Bind9Lab } from '../lab/bind9.js';

const labs: Bind9Lab[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function opts(lab: Bind9Lab, extra: Partial<Dns01Options> = {}): Dns01Options {
  return {
    provider: 'rfc2136',
    config: {
      nameserver: `127.0.0.1:${lab.port}`,
      tsig_key_name: lab.tsig.name,
      tsig_secret: lab.tsig.secret,
    },
    nameservers: [`127.0.0.1:${lab.port}`],
    authoritativeOverride: lab.authoritativeOverride,
    propagationIntervalMs: 200,
    ...extra,
  };
}

describe('propagation', () => {
  it('waits until the secondary (NOTIFY + IXFR, sent 1.5 s late) serves every value', async () => {
    const lab = await startBind9({ zones: ['example.test'], second: 'secondary', autoNotify: false });
    labs.push(lab);
    const secondary = `127.0.0.1:${lab.second!.port}`;
    const logs: string[] = [];
    const started = Date.now();
    let notifiedAt = 0;
    const notify = setTimeout(() => {
      notifiedAt = Date.now();
      void lab.notifySecondary();
    }, 1500);
    const [primary, second] = await withDnsChallenges(
      [
        { domain: 'example.test', value: 'one' },
        { domain: '*.example.test', value: 'two' },
      ],
      opts(lab, { propagationTimeoutMs: 15_000, log: (m) => logs.push(m) }),
      async () =>
        Promise.all([
          lab.txt('_acme-challenge.example.test'),
          lab.txt('_acme-challenge.example.test', secondary),
        ]),
    );
    expect(primary.sort()).toEqual(['one', 'two']);
    expect(second.sort()).toEqual(['one', 'two']);
    clearTimeout(notify);
    expect(notifiedAt).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(logs.join('\n')).toMatch(/records visible on every authoritative server after \d/);
  });

  it('times out naming the nameserver that lags and what it answered', async () => {
    const lab = await startBind9({ zones: ['example.test'], second: 'stale' });
    labs.push(lab);
    const err = await withDnsChallenges(
      [{ domain: 'example.test', value: 'xyz' }],
      opts(lab, { propagationTimeoutMs: 1000 }),
      async () => 'never',
    ).catch((e: Error) => e);
    expect((err as Error).message).toBe(
      `dns: propagation timeout after 1s: ns2.example.test. (127.0.0.1:${lab.second!.port}) answered [] for _acme-challenge.example.test., want "xyz"`,
    );
    // cleanup ran anyway
    expect(await lab.txt('_acme-challenge.example.test')).toEqual([]);
  });
});

describe('cleanup journal', () => {
  it('removes the values of a crashed run', async () => {
    const lab = await startBind9({ zones: ['example.test'] });
    labs.push(lab);
    const journalDir = mkdtempSync(join(tmpdir(), 'certfleet-dns-journal-'));
    dirs.push(journalDir);
    // the child builds the journal of this state directory itself (options travel as JSON)
    const o = { ...opts(lab, { propagationTimeoutMs: 5000 }), journalDir };
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./dns-crash-child.ts', import.meta.url)),
        JSON.stringify(o),
        'crash.example.test',
        'left-behind',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('presented') && resolve());
        child.on('exit', (code) => reject(new Error(`child exited with ${code}`)));
      });
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) =>
        child.exitCode !== null || child.signalCode !== null ? r(null) : child.on('exit', r),
      );
    }
    expect(await lab.txt('_acme-challenge.crash.example.test')).toEqual(['left-behind']);
    expect((await dnsJournal(openStore(journalDir)).read()).map((e) => e.value)).toEqual(['left-behind']);

    expect(await cleanupJournal(dnsJournal(openStore(journalDir)), opts(lab))).toBe(1);
    expect(await lab.txt('_acme-challenge.crash.example.test')).toEqual([]);
    expect(await dnsJournal(openStore(journalDir)).read()).toEqual([]);
    expect(await cleanupJournal(dnsJournal(openStore(journalDir)), opts(lab))).toBe(0);
  });

  it('leaves the values of a run still in progress', async () => {
    const lab = labs[labs.length - 1];
    const journalDir = mkdtempSync(join(tmpdir(), 'certfleet-dns-journal-'));
    dirs.push(journalDir);
    const removed = await withDnsChallenges(
      [{ domain: 'busy.example.test', value: 'busy' }],
      opts(lab, { journal: dnsJournal(openStore(journalDir)) }),
      () => cleanupJournal(dnsJournal(openStore(journalDir)), opts(lab)),
    );
    expect(removed).toBe(0);
    expect(await lab.txt('_acme-challenge.busy.example.test')).toEqual([]);
  });
});
