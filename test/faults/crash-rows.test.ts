/**
 * Row 17: the controller killed (SIGKILL, no chance to clean up) in the middle of `certfleet run
 * playbooks/site.yml` on a fleet lab. (i) During issuance, with the TXT records published: the live
 * certificate in the store keeps its bytes, the cleanup journal names the orphan records, and the next
 * run removes them, issues, delivers and converges. (ii) During delivery, with the new files staged
 * on a host whose config test is still running: every host keeps serving a valid certificate whose
 * key matches on disk, the next run finishes only what was left, and the run after it changes nothing.
 */
import { dnsJournal } from '../../src/dns/journal.js';
import { openStore } from '../../src/store/file-store.js';
import { createSocket, type Socket } from 'node:dgram';
import type { ChildProcess } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeSerial } from '../../src/store/cert-pem.js';
import type { LabHost } from '../lab/index.js';
import { errorLines, txtRecords, type CliRun } from './fault-helpers.js';
import { SITE_PLAYBOOK, startFleetLab, type FleetLab } from './fleet-lab.js';
import { recordRow } from './record.js';
import { recap } from './rollback-faults.js';

const DOMAINS = ['*.example.test', 'example.test'];
// a set that differs from the stored one makes the next run renew (site.yml has no `force`)
const MORE_DOMAINS = [...DOMAINS, 'www.example.test'];
const CERT_DIR = '/etc/ssl/certfleet/wildcard';
// a renewal changes every host's delivery, plus the certificate task on web1 (it runs once, on the first host)
const RENEWED_CHANGES: Record<string, number> = { web1: 2, web2: 1, lb1: 1 };
let f: FleetLab;

beforeAll(async () => {
  f = await startFleetLab();
  const first = await f.cli(['run', SITE_PLAYBOOK]);
  expect(first.code, first.out).toBe(0);
}, 120_000);
afterAll(async () => {
  await f?.stop();
});

/** TXT values (unquoted) left at every challenge name of MORE_DOMAINS. */
function leftTxt(): string[] {
  return [...f.txt(), ...txtRecords(f.bind.port, '_acme-challenge.www.example.test')].map((v) =>
    v.replace(/^"|"$/g, ''),
  );
}

/** The store's live certificate and what its meta says. */
function live(): { fullchain: string; privkey: string; serial: string; domains: string[] } {
  const dir = join(f.stateDir, 'certs/wildcard');
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as {
    serial: string;
    domains: string[];
  };
  return {
    fullchain: readFileSync(join(dir, 'live/fullchain.pem'), 'utf8'),
    privkey: readFileSync(join(dir, 'live/privkey.pem'), 'utf8'),
    // meta keeps the certificate's hex; a handshake reports it normalized (upper case, no leading 0)
    serial: normalizeSerial(meta.serial),
    domains: meta.domains,
  };
}

/** Domains other than the stored ones: the run renews. */
function otherDomains(): string[] {
  return live().domains.length === DOMAINS.length ? MORE_DOMAINS : DOMAINS;
}

/** Start `certfleet run site.yml`, SIGKILL it as soon as `reached()` holds; what it printed till then. */
async function killWhen(
  reached: () => Promise<boolean>,
  what: string,
): Promise<{ run: CliRun; pid: number }> {
  let child: ChildProcess | undefined;
  const running = f.cli(['run', SITE_PLAYBOOK], { onSpawn: (c) => (child = c), timeoutMs: 120_000 });
  let ended = false;
  void running.then(() => (ended = true));
  const deadline = Date.now() + 60_000;
  try {
    while (!(await reached())) {
      if (ended) throw new Error(`the run ended before ${what}:\n${(await running).out}`);
      if (Date.now() > deadline) throw new Error(`${what} never happened`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child!.kill('SIGKILL');
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  const run = await running;
  expect(run.signal, run.out).toBe('SIGKILL');
  return { run, pid: child!.pid! };
}

/** The certificate and key a host has on disk (and HAProxy's combined PEM): serial, and whether they match. */
async function onDisk(h: LabHost): Promise<{ serial: string; matches: boolean }[]> {
  const files = [[`${CERT_DIR}/cert.pem`, `${CERT_DIR}/privkey.pem`]];
  if (h.services.includes('haproxy'))
    files.push(['/etc/haproxy/certs/wildcard.pem', '/etc/haproxy/certs/wildcard.pem']);
  const out = [];
  for (const [certFile, keyFile] of files) {
    const r = await h.exec(`cat ${certFile}; echo '#####'; cat ${keyFile}`);
    expect(r.code, r.stderr).toBe(0);
    const [certPem, keyPem] = r.stdout.split('#####');
    const cert = new X509Certificate(certPem);
    out.push({
      serial: normalizeSerial(cert.serialNumber),
      matches: cert.checkPrivateKey(createPrivateKey(keyPem)),
    });
  }
  return out;
}

describe('row 17: the controller killed (SIGKILL)', () => {
  it('(i) during issuance: store intact, orphan TXT journaled; the next run removes it and converges', async () => {
    const hosts = f.lab.hosts.map((h) => h.name);
    const before = live();
    const served = await f.serials();
    const domains = otherDomains();
    // propagation is checked against a nameserver that never answers, so the run sits with its TXT
    // records published until it is killed
    const silent: Socket = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
    let killed: { run: CliRun; pid: number };
    try {
      const port = silent.address().port;
      const override = Object.fromEntries(
        Object.keys(f.bind.authoritativeOverride).map((ns) => [ns, `127.0.0.1:${port}`]),
      );
      await f.writeInventory({
        cert_domains: domains,
        acme_dns: { ...f.rfc2136, authoritative_override: override, propagation_timeout: 60 },
      });
      // every value of the order in bind9: two at the apex name (wildcard + apex), one per other name
      const values = domains.length;
      killed = await killWhen(async () => leftTxt().length === values, `all ${values} TXT values in bind9`);
    } finally {
      silent.close();
    }
    expect(errorLines(killed.run.out)).toEqual([]);
    const orphans = leftTxt();
    expect(orphans.length).toBe(domains.length);
    expect(live()).toEqual(before);
    expect(await f.serials()).toEqual(served);
    // the journal names exactly what is left in DNS, with the dead run's pid
    const journal = await dnsJournal(openStore(f.stateDir)).read();
    expect(journal.map((e) => e.value).sort()).toEqual([...orphans].sort());
    expect(new Set(journal.map((e) => e.pid))).toEqual(new Set([killed.pid]));
    const lock = join(f.stateDir, 'certs/wildcard/.lock');
    expect(readFileSync(lock, 'utf8')).toMatch(new RegExp(`^${killed.pid} `));

    await f.writeInventory({ cert_domains: domains });
    const next = await f.cli(['run', SITE_PLAYBOOK]);
    expect(next.code, next.out).toBe(0);
    expect(errorLines(next.out)).toEqual([]);
    for (const h of hosts)
      expect(recap(next.out)[h], next.out).toMatchObject({ changed: RENEWED_CHANGES[h], failed: 0 });
    expect(leftTxt()).toEqual([]);
    expect(await dnsJournal(openStore(f.stateDir)).read()).toEqual([]);
    expect(existsSync(lock)).toBe(false);
    const issued = live();
    expect(issued.serial).not.toBe(before.serial);
    expect(await f.serials()).toEqual(Object.fromEntries(hosts.map((h) => [h, issued.serial])));
    const steady = await f.cli(['run', SITE_PLAYBOOK]);
    expect(steady.code, steady.out).toBe(0);
    for (const h of hosts) expect(recap(steady.out)[h], steady.out).toMatchObject({ changed: 0, failed: 0 });

    recordRow({
      row: '17a',
      fault: `SIGKILL of \`certfleet run site.yml\` during issuance, with the order's ${orphans.length} TXT values published (propagation wait)`,
      user_sees: '(nothing from certfleet: the process is killed; the shell reports "Killed", exit 137)',
      exit_code: 137,
      host_serves_after:
        "every host serves its previous valid certificate; the store's live certificate and meta byte-identical; the TXT values stay in bind9, named in the state dir's dns-journal.json with the dead pid; the certificate lock names the dead pid",
      rerun:
        'the journaled TXT values removed, the dead lock taken over, renewed and delivered (changed web1=2, web2=1, lb1=1), no TXT left, journal empty; then changed=0',
      test: 'test/faults/crash-rows.test.ts',
    });
  }, 240_000);

  it('(ii) during delivery: every host serves a valid cert matching its key; the next run finishes', async () => {
    const hosts = f.lab.hosts.map((h) => h.name);
    const web2 = f.lab.hosts.find((h) => h.name === 'web2')!;
    const old = live().serial;
    // web2's config test (apachectl -t) takes 3 s and says when it starts: the run is killed right
    // then, with the new files staged on web2 and Apache not reloaded yet. Only web2's mount namespace
    // sees the wrappers (bound over /usr/local/sbin, which comes first in PATH).
    const marker = '/root/fault-configtest-started';
    const wrap = (ctl: string) =>
      `printf '%s\\n' '#!/bin/sh' 'case " $* " in *" -t "*) touch ${marker}; sleep 3;; esac' ` +
      `'exec /usr/sbin/${ctl} "$@"' > /root/fault-bin/${ctl} && chmod 755 /root/fault-bin/${ctl}`;
    const setup = await web2.exec(
      `set -e; mkdir -p /root/fault-bin; ${wrap('apachectl')}; ${wrap('apache2ctl')}; mount --bind /root/fault-bin /usr/local/sbin`,
    );
    expect(setup.code, setup.stderr).toBe(0);
    let killed: CliRun;
    try {
      await f.writeInventory({ cert_domains: otherDomains() });
      ({ run: killed } = await killWhen(
        async () => (await web2.exec(`test -e ${marker}`)).code === 0,
        "web2's config test",
      ));
    } finally {
      // lazy: the killed run's config test may still be sleeping in a wrapper
      const undo = await web2.exec(`umount -l /usr/local/sbin && rm -rf /root/fault-bin ${marker}`);
      expect(undo.code, undo.stderr).toBe(0);
    }
    expect(errorLines(killed.out)).toEqual([]);
    expect(killed.out).toContain('PLAY [Apache servers]');
    expect(killed.out).not.toContain('PLAY [HAProxy servers]');
    // issued and stored before delivery started
    const fresh = live().serial;
    expect(fresh).not.toBe(old);
    // web1 done, web2 staged but not reloaded, lb1 not reached: each serves a valid certificate
    expect(await f.serials()).toEqual({ web1: fresh, web2: old, lb1: old });
    const disk: Record<string, string[]> = {};
    for (const h of f.lab.hosts) {
      const files = await onDisk(h);
      for (const d of files) expect(d.matches, `${h.name}: key and certificate on disk match`).toBe(true);
      disk[h.name] = files.map((d) => d.serial);
    }
    expect(disk).toEqual({ web1: [fresh], web2: [fresh], lb1: [old, old] });

    const next = await f.cli(['run', SITE_PLAYBOOK]);
    expect(next.code, next.out).toBe(0);
    expect(errorLines(next.out)).toEqual([]);
    // web1 is left alone, web2 only reloaded (its files are already right), lb1 delivered
    const counts = recap(next.out);
    expect(counts, next.out).toMatchObject({
      web1: { changed: 0, failed: 0 },
      web2: { changed: 1, failed: 0 },
      lb1: { changed: 1, failed: 0 },
    });
    expect(await f.serials()).toEqual(Object.fromEntries(hosts.map((h) => [h, fresh])));
    for (const h of f.lab.hosts) {
      for (const d of await onDisk(h)) expect(d, h.name).toEqual({ serial: fresh, matches: true });
    }
    const steady = await f.cli(['run', SITE_PLAYBOOK]);
    expect(steady.code, steady.out).toBe(0);
    for (const h of hosts) expect(recap(steady.out)[h], steady.out).toMatchObject({ changed: 0, failed: 0 });

    recordRow({
      row: '17b',
      fault:
        'SIGKILL of `certfleet run site.yml` during delivery: web1 done, the new files staged on web2 while its config test runs (slowed to 3 s), lb1 not reached',
      user_sees: '(nothing from certfleet: the process is killed; the shell reports "Killed", exit 137)',
      exit_code: 137,
      host_serves_after:
        'every host serves a valid certificate: web1 the new one, web2 and lb1 the previous one (web2 has the new files on disk, not loaded); on every host the certificate and key on disk match (HAProxy combined PEM too)',
      rerun: `web1 changed=0, web2 changed=1 (config test + reload only), lb1 changed=1 (delivered); all serve the new serial; then changed=0`,
      test: 'test/faults/crash-rows.test.ts',
    });
  }, 240_000);
});
