/**
 * Row 11 (wrong TSIG key) against a real bind9 + Pebble through `certfleet run`, with the secret
 * checks of issue 7: one error line naming the zone, exit 2, no TXT record left in bind9, the live
 * certificate of an earlier run untouched, the re-run with the right key converging; the TSIG secret
 * and the private key body nowhere in any output or state file; key 0600, state dir 0700. Rows 11
 * and 16 also run their fault through `playbooks/site.yml` on the fleet lab (nginx, apache2, haproxy
 * hosts): every host still serves the valid certificate it served before.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcmeLab, type AcmeLab } from '../integration/acme-lab.js';
import { SITE_PLAYBOOK, startFleetLab, type FleetLab } from './fleet-lab.js';
import { recordRow } from './record.js';

const ROOT = join(import.meta.dirname, '..', '..');
const WRONG = Buffer.from('this-is-not-the-zone-tsig-key-00').toString('base64');
let lab: AcmeLab;
// rows 11 and 16 also run their fault through site.yml on a fleet: every host must keep serving
let fleet: FleetLab;

function playbook(
  secret: string,
  force: boolean,
  keyName?: string,
  o: { name?: string; override?: Record<string, string>; timeout?: number } = {},
): string {
  const b = lab.bind;
  return `- hosts: localhost
  gather_facts: false
  tasks:
    - name: wildcard certificate
      acme_certificate:
        name: ${o.name ?? 'wild'}
        domains: ['*.example.test', 'example.test']
        directory: ${lab.pebble.directoryUrl}
        email: ops@example.test
        ca_bundle: ${lab.pebble.caCertFile}
        renew: {force: ${force}}
        dns:
          provider: rfc2136
          nameserver: 127.0.0.1:${b.port}
          tsig_key_name: ${keyName ?? b.tsig.name}
          tsig_algorithm: ${b.tsig.algorithm}
          tsig_secret: ${secret}
          nameservers: ['127.0.0.1:${b.port}']
          authoritative_override: ${JSON.stringify(o.override ?? b.authoritativeOverride)}
          propagation_timeout: ${o.timeout ?? 10}
          propagation_interval: 0.2
`;
}

beforeAll(async () => {
  lab = await startAcmeLab();
  writeFileSync(
    join(lab.dir, 'hosts.yml'),
    'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n',
  );
  fleet = await startFleetLab();
  const good = await fleet.cli(['run', SITE_PLAYBOOK]);
  expect(good.code, good.out).toBe(0);
}, 120_000);
afterAll(async () => {
  await fleet?.stop();
  await lab?.stop();
});

/**
 * `acme_dns` (a new certificate `name`) with the fault, through site.yml on the fleet: exit 2, one
 * failure line (returned), every host still serving the valid certificate it served before, no TXT left.
 */
async function onFleet(name: string, dns: Record<string, unknown>, secrets: string[]): Promise<string> {
  const before = await fleet.serials();
  await fleet.writeInventory({ cert_name: name, acme_dns: { ...fleet.rfc2136, ...dns } });
  try {
    const r = await fleet.cli(['run', SITE_PLAYBOOK]);
    expect(r.code, r.out).toBe(2);
    const errs = r.out.split('\n').filter((l) => /^(failed|fatal):|^certfleet: error:/.test(l));
    expect(errs, r.out).toHaveLength(1);
    expect(await fleet.serials()).toEqual(before);
    expect(fleet.txt()).toEqual([]);
    expect(existsSync(join(fleet.stateDir, 'certs', name, 'live', 'fullchain.pem'))).toBe(false);
    for (const secret of secrets) expect(r.out).not.toContain(secret);
    return errs[0];
  } finally {
    await fleet.writeInventory();
  }
}

function certfleet(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const loader = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
    const child = spawn(process.execPath, ['--import', loader, join(ROOT, 'src/cli/index.ts'), ...args], {
      cwd: lab.dir,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

/** TXT records bind9 serves for the challenge name (empty when cleaned up). */
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

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const full = join(dir, e);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

describe('row 11: wrong TSIG key', () => {
  it('refused with one line naming the zone; nothing left; live cert intact; re-run converges', async () => {
    const site = join(lab.dir, 'site.yml');
    writeFileSync(site, playbook(lab.bind.tsig.secret, false));
    const first = await certfleet(['run', 'site.yml', '-i', 'hosts.yml']);
    expect(first.code, first.out).toBe(0);
    const live = join(lab.dir, '.certfleet/certs/wild/live');
    const cert = readFileSync(join(live, 'fullchain.pem'), 'utf8');

    writeFileSync(site, playbook(WRONG, true));
    const outputs = [];
    for (const flags of [[], ['-v'], ['--json'], ['--diff']]) {
      const bad = await certfleet(['run', 'site.yml', '-i', 'hosts.yml', ...flags]);
      expect(bad.code, bad.out).toBe(2);
      outputs.push(bad.out);
      expect(challengeTxt()).toBe('');
      expect(readFileSync(join(live, 'fullchain.pem'), 'utf8')).toBe(cert);
    }
    // an unknown key name: bind9 answers BADKEY, same guarantees
    writeFileSync(site, playbook(lab.bind.tsig.secret, true, 'no-such-key'));
    const badkey = await certfleet(['run', 'site.yml', '-i', 'hosts.yml']);
    expect(badkey.code, badkey.out).toBe(2);
    const badkeyErr = badkey.out.split('\n').filter((l) => /^(failed|fatal):|^certfleet: error:/.test(l));
    expect(badkeyErr, badkey.out).toHaveLength(1);
    expect(badkeyErr[0]).toMatch(/_acme-challenge\.example\.test.*BADKEY/);
    expect(challengeTxt()).toBe('');
    expect(readFileSync(join(live, 'fullchain.pem'), 'utf8')).toBe(cert);
    outputs.push(badkey.out);

    const errs = outputs[0].split('\n').filter((l) => /^(failed|fatal):|^certfleet: error:/.test(l));
    expect(errs, outputs[0]).toHaveLength(1);
    expect(errs[0]).toMatch(/example\.test/);
    expect(errs[0]).toMatch(/refused by 127\.0\.0\.1:\d+: BADSIG/);

    writeFileSync(site, playbook(lab.bind.tsig.secret, true));
    const fixed = await certfleet(['run', 'site.yml', '-i', 'hosts.yml']);
    expect(fixed.code, fixed.out).toBe(0);
    expect(fixed.out).toMatch(/localhost\s*: ok=1\s+changed=1\s+unreachable=0\s+failed=0/);
    expect(readFileSync(join(live, 'fullchain.pem'), 'utf8')).not.toBe(cert);
    // values journaled by the refused runs are removed by this one: nothing left to warn about next time
    expect(fixed.out).not.toMatch(/could not be removed/);
    expect(challengeTxt()).toBe('');
    writeFileSync(site, playbook(lab.bind.tsig.secret, false));
    const idem = await certfleet(['run', 'site.yml', '-i', 'hosts.yml']);
    expect(idem.out).toMatch(/localhost\s*: ok=1\s+changed=0/);
    expect(idem.out).not.toMatch(/could not be removed/);

    // secrets: not in any output, nor in any state file but the keys themselves
    const state = join(lab.dir, '.certfleet');
    const files = walk(state);
    const keys = files.filter((f) => /privkey|key\.pem$|account.*\.json$/.test(f));
    const bodies = keys.flatMap((k) => {
      const m = /-----BEGIN [A-Z ]*PRIVATE KEY-----\n([^-]+)-----END/.exec(readFileSync(k, 'utf8'));
      return m ? [m[1].split('\n')[1] ?? m[1].slice(0, 40)] : [];
    });
    expect(bodies.length).toBeGreaterThan(0);
    for (const text of [first.out, ...outputs, fixed.out, idem.out]) {
      expect(text).not.toContain(lab.bind.tsig.secret);
      expect(text).not.toContain(WRONG);
      for (const b of bodies) expect(text).not.toContain(b);
    }
    for (const f of files.filter((x) => !keys.includes(x))) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toContain(lab.bind.tsig.secret);
      expect(text, f).not.toContain(WRONG);
      for (const b of bodies) expect(text, f).not.toContain(b);
    }
    for (const k of keys.filter((f) => f.endsWith('.pem'))) expect(statSync(k).mode & 0o777, k).toBe(0o600);
    expect(statSync(state).mode & 0o777).toBe(0o700);

    // (c) the wrong secret during site.yml on nginx/apache2/haproxy hosts: each keeps its certificate
    const fleetErr = await onFleet('row11', { tsig_secret: WRONG }, [WRONG, fleet.bind.tsig.secret]);
    expect(fleetErr).toMatch(
      /^failed: \[web1\] => .*_acme-challenge\.example\.test.*refused by 127\.0\.0\.1:\d+: BADSIG/,
    );

    recordRow({
      row: '11',
      fault: 'wrong TSIG secret (bind9: BADSIG) / unknown TSIG key name (BADKEY) for the rfc2136 update',
      user_sees: [errs[0], badkeyErr[0]]
        .join(' | ')
        .replaceAll(`:${lab.bind.port}`, ':PORT')
        .replaceAll(lab.bind.tsig.name, 'LAB-KEY'),
      exit_code: 2,
      host_serves_after:
        'previous live certificate untouched; no TXT left in bind9; no secret or key body in plain/-v/--json/--diff output or state files; keys 0600, state dir 0700; through site.yml on the fleet lab (nginx, apache2, haproxy) every host still serves its previous valid certificate',
      rerun: 'right key: changed=1 (renewed), then changed=0',
      test: 'test/faults/dns-rows.test.ts',
    });
  }, 240_000);
});

describe('row 16: propagation never completes on the authoritative server', () => {
  it('times out naming the server, cleans the TXT record, issues nothing; re-run converges', async () => {
    // the zone's NS (ns1.example.test) answers from a UDP port that swallows every query
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
    try {
      const port = silent.address().port;
      const override = { ...lab.bind.authoritativeOverride, 'ns1.example.test.': `127.0.0.1:${port}` };
      const site = join(lab.dir, 'site16.yml');
      writeFileSync(
        site,
        playbook(lab.bind.tsig.secret, false, undefined, { name: 'row16', override, timeout: 3 }),
      );
      const started = Date.now();
      const bad = await certfleet(['run', 'site16.yml', '-i', 'hosts.yml']);
      const seconds = (Date.now() - started) / 1000;
      expect(bad.code, bad.out).toBe(2);
      const errs = bad.out.split('\n').filter((l) => /^(failed|fatal):|^certfleet: error:/.test(l));
      expect(errs, bad.out).toHaveLength(1);
      expect(errs[0]).toMatch(/_acme-challenge\.example\.test/);
      expect(errs[0]).toContain(`127.0.0.1:${port}`);
      expect(seconds).toBeLessThan(40);
      expect(challengeTxt()).toBe('');
      expect(existsSync(join(lab.dir, '.certfleet/certs/row16/live/fullchain.pem'))).toBe(false);

      // (c) the same silent NS during site.yml on the fleet: every host keeps its certificate
      const fleetErr = await onFleet(
        'row16',
        {
          authoritative_override: {
            ...fleet.bind.authoritativeOverride,
            'ns1.example.test.': `127.0.0.1:${port}`,
          },
          propagation_timeout: 3,
        },
        [fleet.bind.tsig.secret],
      );
      expect(fleetErr).toMatch(/^failed: \[web1\] => dns: propagation timeout after 3s: /);
      expect(fleetErr).toContain(`127.0.0.1:${port}`);

      writeFileSync(site, playbook(lab.bind.tsig.secret, false, undefined, { name: 'row16' }));
      const fixed = await certfleet(['run', 'site16.yml', '-i', 'hosts.yml']);
      expect(fixed.code, fixed.out).toBe(0);
      expect(fixed.out).toMatch(/localhost\s*: ok=1\s+changed=1\s+unreachable=0\s+failed=0/);
      expect(challengeTxt()).toBe('');
      recordRow({
        row: '16',
        fault:
          'propagation never completes: the zone NS answers from a port that drops every query (timeout 3 s)',
        user_sees: errs[0].replaceAll(`:${port}`, ':PORT').replaceAll(`:${lab.bind.port}`, ':PORT'),
        exit_code: 2,
        host_serves_after: `TXT removed from bind9, nothing issued, failed after ${seconds.toFixed(1)} s; through site.yml on the fleet lab (nginx, apache2, haproxy) every host still serves its previous valid certificate`,
        rerun: 'NS reachable again: changed=1 (issued)',
        test: 'test/faults/dns-rows.test.ts',
      });
    } finally {
      silent.close();
    }
  }, 240_000);
});

describe('row 20: SIGINT mid-run', () => {
  it('exits 130 and removes the TXT records it added; the re-run issues', async () => {
    // propagation waits on a silent NS, so the run is caught with its TXT records published
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
    try {
      const port = silent.address().port;
      const override = { ...lab.bind.authoritativeOverride, 'ns1.example.test.': `127.0.0.1:${port}` };
      const site = join(lab.dir, 'site20.yml');
      writeFileSync(
        site,
        playbook(lab.bind.tsig.secret, false, undefined, { name: 'row20', override, timeout: 8 }),
      );
      const loader = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
      const child = spawn(
        process.execPath,
        ['--import', loader, join(ROOT, 'src/cli/index.ts'), 'run', 'site20.yml', '-i', 'hosts.yml'],
        { cwd: lab.dir, env: { ...process.env, NO_COLOR: '1' } },
      );
      let out = '';
      let interruptedAt = 0;
      let stopSeconds = 0;
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
      try {
        const deadline = Date.now() + 60_000;
        while (challengeTxt() === '') {
          if (Date.now() > deadline) throw new Error(`TXT never published:\n${out}`);
          await new Promise((r) => setTimeout(r, 200));
        }
        expect(challengeTxt()).not.toBe('');
        child.kill('SIGINT');
        interruptedAt = Date.now();
        const code = await closed;
        stopSeconds = (Date.now() - interruptedAt) / 1000;
        expect(code, out).toBe(130);
        // the control-node task stops on the first Ctrl-C: no waiting out the 8 s propagation timeout
        expect(stopSeconds, out).toBeLessThan(5);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      expect(challengeTxt()).toBe('');
      const lines = out.split('\n').filter((l) => /interrupt/i.test(l));
      expect(lines.length, out).toBeGreaterThan(0);
      expect(existsSync(join(lab.dir, '.certfleet/certs/row20/live/fullchain.pem'))).toBe(false);

      writeFileSync(site, playbook(lab.bind.tsig.secret, false, undefined, { name: 'row20' }));
      const again = await certfleet(['run', 'site20.yml', '-i', 'hosts.yml']);
      expect(again.code, again.out).toBe(0);
      expect(again.out).toMatch(/localhost\s*: ok=1\s+changed=1\s+unreachable=0\s+failed=0/);
      expect(challengeTxt()).toBe('');
      recordRow({
        row: '20',
        fault: 'SIGINT (once) while waiting for DNS propagation (TXT records published)',
        user_sees: lines[lines.length - 1].trim(),
        exit_code: 130,
        host_serves_after: `the issuance in flight stops at once (exit ${stopSeconds.toFixed(1)} s after SIGINT; the propagation timeout was 8 s), TXT records removed from bind9 before exit; nothing issued`,
        rerun: 'changed=1 (issued)',
        test: 'test/faults/dns-rows.test.ts',
      });
    } finally {
      silent.close();
    }
  }, 240_000);
});

describe('row 18: two certfleet run at once on the same state', () => {
  it('the second is refused on the certificate lock naming the holder; the first finishes; re-run unchanged', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
    try {
      const port = silent.address().port;
      const override = { ...lab.bind.authoritativeOverride, 'ns1.example.test.': `127.0.0.1:${port}` };
      // the first run holds the lock while it waits (6 s) on a silent NS
      writeFileSync(
        join(lab.dir, 'site18a.yml'),
        playbook(lab.bind.tsig.secret, false, undefined, { name: 'row18', override, timeout: 6 }),
      );
      writeFileSync(
        join(lab.dir, 'site18b.yml'),
        playbook(lab.bind.tsig.secret, false, undefined, { name: 'row18' }),
      );
      const first = certfleet(['run', 'site18a.yml', '-i', 'hosts.yml']);
      const deadline = Date.now() + 60_000;
      while (challengeTxt() === '') {
        if (Date.now() > deadline) throw new Error('first run never published its TXT records');
        await new Promise((r) => setTimeout(r, 200));
      }
      const second = await certfleet(['run', 'site18b.yml', '-i', 'hosts.yml']);
      const a = await first;
      const errs = second.out.split('\n').filter((l) => /^(failed|fatal):|^certfleet: error:/.test(l));
      expect(errs, second.out).toHaveLength(1);
      expect(errs[0]).toMatch(/certificate "row18" is locked by pid \d+/);
      // the task fails on the lock; the run exits 6 (locked: try again later), as `certs renew` does
      expect(second.code).toBe(6);
      expect(a.code, a.out).toBe(2); // the first one's own fault: the silent NS
      expect(challengeTxt()).toBe('');

      const again = await certfleet(['run', 'site18b.yml', '-i', 'hosts.yml']);
      expect(again.code, again.out).toBe(0);
      expect(again.out).toMatch(/localhost\s*: ok=1\s+changed=1/);
      recordRow({
        row: '18',
        fault: 'two certfleet run at once on the same state dir and certificate',
        user_sees: errs[0]
          .replaceAll(lab.dir, '<dir>')
          .replace(/pid \d+/, 'pid N')
          .replace(/since \S+/, 'since T'),
        exit_code: second.code,
        host_serves_after:
          'the first run keeps the lock and finishes (here: failing on its silent NS, TXT cleaned)',
        rerun: 'alone: changed=1 (issued)',
        test: 'test/faults/dns-rows.test.ts',
      });
    } finally {
      silent.close();
    }
  }, 240_000);
});
