/**
 * Fault-matrix rows on the host side, against one fleet lab (bind9 + Pebble + web1 nginx/debian, web2
 * apache2/rhel, lb1 haproxy/ubuntu) through the project's `playbooks/site.yml`:
 *   1. sshd of a host killed in the middle of the delivery transfer (and right after it, before the reload)
 *   3. a host's SSH key changed since the last run
 *   4. sudo refused / wrong become password for a non-root login
 *   5. the certificate directory read-only / full on a host
 * Each row starts from a converged fleet, rotates the certificate (a new `cert_name`) so that the
 * faulted run has something to deliver, and checks: one error line naming the host, the documented
 * exit code, every host still serving a valid certificate, the faulted host's on-disk config pointing
 * at a whole certificate and its matching key, no TXT record left in bind9, and a re-run converging
 * with changes only where needed: on the faulted host, and on any host the stopped rollout had not
 * reached (a failed canary ends the run, as site.yml says).
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeSerial } from '../../src/store/cert-pem.js';
import type { LabHost } from '../lab/index.js';
import { errorLines, type CliRun } from './fault-helpers.js';
import { SITE_PLAYBOOK, startFleetLab, type FleetLab } from './fleet-lab.js';
import {
  addLoginUser,
  fileHashes,
  inHost,
  liveFiles,
  newHostKey,
  slowLink,
  tempFiles,
  type SlowLink,
} from './host-faults.js';
import { recordRow } from './record.js';

const TEST = 'test/faults/host-rows.test.ts';
let f: FleetLab;

const host = (name: string): LabHost => {
  const h = f.lab.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no lab host ${name}`);
  return h;
};

/** Serial of the certificate `name` in the control node's store. */
const storedSerial = (name: string): string =>
  normalizeSerial(
    new X509Certificate(readFileSync(join(f.stateDir, 'certs', name, 'live', 'cert.pem'))).serialNumber,
  );
const stored = (name: string, file: string): string =>
  readFileSync(join(f.stateDir, 'certs', name, 'live', file), 'utf8');

/** The recap counts per host. */
function recap(
  out: string,
): Record<string, { ok: number; changed: number; unreachable: number; failed: number }> {
  const r: Record<string, { ok: number; changed: number; unreachable: number; failed: number }> = {};
  for (const m of out.matchAll(/^(\S+)\s*: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm))
    r[m[1]] = { ok: +m[2], changed: +m[3], unreachable: +m[4], failed: +m[5] };
  return r;
}

/**
 * A re-run after the fault is gone: exit 0, no error line, changes exactly on the hosts in `needed`
 * (the faulted host and any host the stopped rollout had not reached yet), none elsewhere.
 */
function expectConverged(r: CliRun, needed: string[]): string {
  expect(r.code, r.out).toBe(0);
  expect(errorLines(r.out), r.out).toEqual([]);
  const counts = recap(r.out);
  expect(Object.keys(counts).sort()).toEqual(['lb1', 'web1', 'web2']);
  for (const [h, c] of Object.entries(counts)) {
    expect(c.failed + c.unreachable, `${h}: ${r.out}`).toBe(0);
    if (needed.includes(h)) expect(c.changed, `${h} should change: ${r.out}`).toBeGreaterThan(0);
    else expect(c.changed, `${h} should not change: ${r.out}`).toBe(0);
  }
  return Object.entries(counts)
    .map(([h, c]) => `${h} changed=${c.changed}`)
    .join(', ');
}

/**
 * After a faulted run: every host serves a valid certificate (chain, name, dates), the faulted one
 * still the previous certificate, the others the previous or the new one (a failed canary stops the
 * rollout: the run stops when a whole batch fails, as ansible-playbook does). Returns the hosts not
 * on the new certificate yet: a re-run must change exactly those.
 */
async function servedAfterFault(
  faulted: string,
  before: Record<string, string>,
  cert: string,
): Promise<string[]> {
  const now = await f.serials();
  const fresh = storedSerial(cert);
  expect(now[faulted], faulted).toBe(before[faulted]);
  for (const [h, serial] of Object.entries(now)) expect([before[h], fresh], h).toContain(serial);
  expect(f.txt()).toEqual([]);
  return Object.keys(now).filter((h) => now[h] !== fresh);
}

/** Where the rollout stood after the fault, for the reliability table. */
const rollout = (behind: string[], faulted: string) => {
  const others = behind.filter((h) => h !== faulted);
  return others.length
    ? `rollout stopped (canary failed): ${others.join(', ')} kept the previous certificate`
    : 'the other hosts serve the new certificate';
};

/** Poll `cond` every 10 ms until it holds or `stop` settles first; true when it held. */
async function until(cond: () => Promise<boolean>, stop: Promise<unknown>): Promise<boolean> {
  let over = false;
  const done = () => (over = true);
  stop.then(done, done);
  while (!over) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

const lineOf = (r: CliRun, host: string): string => {
  const errs = errorLines(r.out);
  expect(errs, r.out).toHaveLength(1);
  expect(errs[0]).toMatch(new RegExp(`^(fatal|failed): \\[${host}\\]`));
  return errs[0];
};

beforeAll(async () => {
  f = await startFleetLab();
  const first = await f.cli(['run', SITE_PLAYBOOK]);
  expect(first.code, first.out).toBe(0);
}, 120_000);
afterAll(async () => {
  await f?.stop();
});

describe('row 1: sshd of a host killed during the delivery', () => {
  /**
   * Run site.yml with a new certificate; web1's link is shaped to `kbit` so that the delivery takes a
   * second or more, and `cut(link)` decides when to kill web1's sshd (listener and sessions). The
   * shaping starts with the issuance (facts are gathered by then, and the order takes longer than
   * putting the shaper in place).
   */
  async function killedRun(
    cert: string,
    kbit: number,
    cut: (link: SlowLink) => Promise<boolean>,
    o: { target?: string; vars?: Record<string, unknown> } = {},
  ) {
    const web1 = host(o.target ?? 'web1');
    await f.writeInventory({ cert_name: cert, ...o.vars });
    let link: SlowLink | undefined;
    let shaping: Promise<SlowLink> | undefined;
    try {
      const run = f.cli(['run', SITE_PLAYBOOK], {
        onOutput: (text) => {
          if (!shaping && text.includes('TASK [wildcard certificate'))
            shaping = slowLink(web1, kbit).then((l) => (link = l));
        },
      });
      const killed = await until(async () => !!link && (await cut(link)), run);
      if (killed) await web1.killSshd();
      const r = await run;
      expect(killed, r.out).toBe(true);
      return r;
    } finally {
      await (await shaping?.catch(() => undefined))?.undo();
      await web1.startSshd();
    }
  }

  it('cut in the middle of the transfer: web1 unreachable (exit 3), nothing of it ran; re-run converges', async () => {
    const web1 = host('web1');
    const before = await f.serials();
    const old = await liveFiles(web1, 'nginx');
    expect(old.serial).toBe(before.web1);
    const hashes = await fileHashes(web1);
    let sentAtKill = 0;
    const r = await killedRun('row1', 32, async (link) => {
      // the inspect round trip is ~1.5 KB; the delivery script (4 PEM files + 2 configs, base64) ~11 KB
      sentAtKill = await link.sent();
      return sentAtKill >= 4500;
    });
    expect(r.code, r.out).toBe(3);
    const line = lineOf(r, 'web1');
    expect(line).toBe(
      `fatal: [web1]: UNREACHABLE! => web1: connection to root@${web1.ip}:22 lost: closed by the remote side`,
    );
    // web1 serves and points at the previous pair, whole and matching; the cut script ran nothing
    const behind = await servedAfterFault('web1', before, 'row1');
    expect(await liveFiles(web1, 'nginx')).toEqual(old);
    expect(await fileHashes(web1)).toEqual(hashes);
    expect(await tempFiles(web1, '/etc/ssl/certfleet')).toEqual([]);

    const again = await f.cli(['run', SITE_PLAYBOOK]);
    const rerun = expectConverged(again, behind);
    expect((await f.serials()).web1).toBe(storedSerial('row1'));
    expect((await liveFiles(web1, 'nginx')).serial).toBe(storedSerial('row1'));
    recordRow({
      row: '1a',
      fault: `sshd of web1 (listener and session) killed in the middle of the delivery transfer (link shaped to 32 kbit/s, killed after ${sentAtKill} bytes)`,
      user_sees: line.replace(web1.ip, 'HOST-IP'),
      exit_code: 3,
      host_serves_after: `web1 serves its previous valid certificate; its config still points at the previous cert/key pair (whole, matching, nginx -t ok); no file on web1 changed, no temp file; ${rollout(behind, 'web1')}; no TXT left`,
      rerun: `after restarting sshd: exit 0, ${rerun}; web1 serves the new certificate`,
      test: TEST,
    });
  }, 120_000);

  it('cut after the transfer, before the reload: files whole and matching; the re-run reloads', async () => {
    const web1 = host('web1');
    const before = await f.serials();
    const snippet = '/etc/nginx/snippets/certfleet-certfleet-ssl.conf';
    let throttled = false;
    const r = await killedRun('row1b', 64, async (link) => {
      // the script is running (its first line made the directory): the next request must not get
      // through, so that sshd dies after the files are written and before the config test and reload
      if (!throttled && (await web1.exec('[ -d /etc/ssl/certfleet/row1b ]')).code === 0) {
        await link.rate(1);
        throttled = true;
      }
      return throttled && (await web1.exec(`grep -q row1b ${snippet}`)).code === 0;
    });
    expect(r.code, r.out).toBe(3);
    const line = lineOf(r, 'web1');
    expect(line).toMatch(/^fatal: \[web1\]: UNREACHABLE! => web1: connection to root@[\d.]+:22 lost/);
    const behind = await servedAfterFault('web1', before, 'row1b');
    // nothing half-written: the config points at the new set, whole and matching, waiting for a reload
    const live = await liveFiles(web1, 'nginx');
    expect(live).toEqual({
      cert: '/etc/ssl/certfleet/row1b/fullchain.pem',
      key: '/etc/ssl/certfleet/row1b/privkey.pem',
      serial: storedSerial('row1b'),
    });
    for (const file of ['cert.pem', 'chain.pem', 'fullchain.pem', 'privkey.pem'])
      expect(await web1.exec(`cat /etc/ssl/certfleet/row1b/${file}`)).toMatchObject({
        stdout: stored('row1b', file),
      });
    expect(await tempFiles(web1, '/etc/ssl/certfleet')).toEqual([]);

    const again = await f.cli(['run', SITE_PLAYBOOK]);
    const rerun = expectConverged(again, behind);
    expect((await f.serials()).web1).toBe(storedSerial('row1b'));
    recordRow({
      row: '1b',
      fault: 'sshd of web1 killed after the delivery script was written, before the config test and reload',
      user_sees: line.replace(web1.ip, 'HOST-IP'),
      exit_code: 3,
      host_serves_after: `web1 serves its previous valid certificate; on disk its config points at the new cert/key pair, whole and matching (nginx -t ok), no temp file; ${rollout(behind, 'web1')}; no TXT left`,
      rerun: `after restarting sshd: exit 0, ${rerun} (web1: files already in place, stale serial served, so config test + reload); web1 serves the new certificate`,
      test: TEST,
    });
  }, 120_000);
  it('a delivery larger than one SSH packet cut in the middle: nothing of it ran on web2', async () => {
    // 1500 ServerAlias lines make web2's site config ~55 KB: the delivery script (~80 KB in base64)
    // reaches sshd in several SSH packets, and a shell reading it from a pipe would run the first ones
    const aliases = Array.from({ length: 1500 }, (_, i) => `a${i}.example.test`);
    const vars = { apache_tls_server_aliases: aliases };
    const web2 = host('web2');
    const before = await f.serials();
    const old = await liveFiles(web2, 'apache2');
    const hashes = await fileHashes(web2);
    let sentAtKill = 0;
    const r = await killedRun(
      'row1c',
      256,
      async (link) => {
        sentAtKill = await link.sent();
        return sentAtKill >= 45_000;
      },
      { target: 'web2', vars },
    );
    expect(r.code, r.out).toBe(3);
    const line = lineOf(r, 'web2');
    expect(line).toMatch(/^fatal: \[web2\]: UNREACHABLE! => web2: connection to root@[\d.]+:22 lost/);
    const behind = await servedAfterFault('web2', before, 'row1c');
    expect(await liveFiles(web2, 'apache2')).toEqual(old);
    expect(await fileHashes(web2)).toEqual(hashes);
    expect(await tempFiles(web2, '/etc/ssl/certfleet')).toEqual([]);
    expect(await tempFiles(web2, '/etc/apache2')).toEqual([]);

    const again = await f.cli(['run', SITE_PLAYBOOK]);
    const rerun = expectConverged(again, behind);
    expect((await f.serials()).web2).toBe(storedSerial('row1c'));
    recordRow({
      row: '1c',
      fault: `sshd of web2 killed in the middle of a delivery larger than one SSH packet (1500 ServerAlias lines, ~80 KB script; link shaped to 256 kbit/s, killed after ${sentAtKill} bytes)`,
      user_sees: line.replace(web2.ip, 'HOST-IP'),
      exit_code: 3,
      host_serves_after: `web2 serves its previous valid certificate; no file on web2 changed (the part of the script that had arrived did not run), no temp file; ${rollout(behind, 'web2')}; no TXT left`,
      rerun: `after restarting sshd: exit 0, ${rerun}; web2 serves the new certificate`,
      test: TEST,
    });
  }, 180_000);
});

describe('row 3: host key changed since the last run', () => {
  it('refused naming the host and the new SHA256 fingerprint (exit 3); after updating known_hosts the re-run converges', async () => {
    const lb1 = host('lb1');
    const before = await f.serials();
    const hashes = await fileHashes(lb1);
    await f.writeInventory({ cert_name: 'row3' });
    const fp = await newHostKey(lb1);
    const r = await f.cli(['run', SITE_PLAYBOOK]);
    expect(r.code, r.out).toBe(3);
    const line = lineOf(r, 'lb1');
    expect(line).toMatch(
      new RegExp(
        `^fatal: \\[lb1\\]: UNREACHABLE! => lb1: host key for ${lb1.ip.replaceAll('.', '\\.')} has CHANGED \\(possible man-in-the-middle\\): server offered ssh-ed25519 ${fp.replace(/[+/]/g, '\\$&')}, `,
      ),
    );
    // the next line tells what to do once the change is known to be legitimate
    const lines = r.out.split('\n');
    expect(lines[lines.indexOf(line) + 1]).toBe(
      `  hint: if the change is expected, remove the old key: ssh-keygen -R '${lb1.ip}' -f ${f.lab.knownHostsFile}`,
    );
    const behind = await servedAfterFault('lb1', before, 'row3');
    expect(await fileHashes(lb1)).toEqual(hashes);
    expect((await liveFiles(lb1, 'haproxy')).serial).toBe(before.lb1);

    // accepting new keys never accepts a changed one: still refused, same line
    const stillRefused = await f.cli(['run', SITE_PLAYBOOK, '--accept-new-host-keys']);
    expect(stillRefused.code, stillRefused.out).toBe(3);
    expect(lineOf(stillRefused, 'lb1')).toBe(line);

    // what the user does once the change is known to be legitimate: drop the old key, accept the new
    const known = f.lab.knownHostsFile;
    const keygen = spawnSync('ssh-keygen', ['-R', lb1.ip, '-f', known], { encoding: 'utf8' });
    expect(keygen.status, keygen.stderr).toBe(0);
    const again = await f.cli(['run', SITE_PLAYBOOK, '--accept-new-host-keys']);
    const rerun = expectConverged(again, behind);
    expect(readFileSync(known, 'utf8')).toContain(lb1.ip);
    expect((await f.serials()).lb1).toBe(storedSerial('row3'));
    // recorded: the next run needs no option any more
    const idem = await f.cli(['run', SITE_PLAYBOOK]);
    expectConverged(idem, []);
    recordRow({
      row: '3',
      fault: 'SSH host key of lb1 regenerated (sshd restarted) after a good run',
      user_sees: line
        .replace(lb1.ip, 'HOST-IP')
        .replace(fp, 'SHA256:NEW-FINGERPRINT')
        .replace(known, 'KNOWN_HOSTS'),
      exit_code: 3,
      host_serves_after: `lb1 refused before any command: its files unchanged, still serving its previous valid certificate; ${rollout(behind, 'lb1')}; no TXT left`,
      rerun: `--accept-new-host-keys alone: still refused (exit 3, same line); ssh-keygen -R HOST -f KNOWN_HOSTS, then --accept-new-host-keys: exit 0, ${rerun}; the next run without the option: changed=0 everywhere`,
      test: TEST,
    });
  }, 120_000);
});

describe('row 4: sudo refused / wrong become password', () => {
  const PASSWORD = 'Row4-become-pass';
  const WRONG = 'not-the-row4-pass';

  it('sudo without a rule, then a wrong password: web2 failed naming sudo (exit 2), nothing changed there; right password converges', async () => {
    const web2 = host('web2');
    const before = await f.serials();
    await addLoginUser(web2, f.lab.keyFile, 'deploy', PASSWORD);
    const hashes = await fileHashes(web2);
    const login = { ansible_user: 'deploy', ansible_become: true };

    // no sudoers rule: `sudo -n` refuses
    await f.writeInventory({ cert_name: 'row4' }, { web2: login });
    const refused = await f.cli(['run', SITE_PLAYBOOK]);
    expect(refused.code, refused.out).toBe(2);
    const refusedLine = lineOf(refused, 'web2');
    expect(refusedLine).toMatch(/web2: become failed: sudo: a password is required/);
    const behind = await servedAfterFault('web2', before, 'row4');
    expect(await fileHashes(web2)).toEqual(hashes);

    // a rule that needs the password, and the wrong one
    await inHost(
      web2,
      "echo 'deploy ALL=(ALL) ALL' > /etc/sudoers.d/deploy && chmod 440 /etc/sudoers.d/deploy",
    );
    await f.writeInventory({ cert_name: 'row4' }, { web2: { ...login, ansible_become_password: WRONG } });
    const wrong = await f.cli(['run', SITE_PLAYBOOK]);
    expect(wrong.code, wrong.out).toBe(2);
    const wrongLine = lineOf(wrong, 'web2');
    // sudo's own lines, joined into the one failure line
    expect(wrongLine).toMatch(
      /web2: become failed: Sorry, try again\. \| .*sudo: \d+ incorrect password attempts?$/,
    );
    expect(wrong.out).not.toContain(WRONG);
    const behind2 = await servedAfterFault('web2', before, 'row4');
    expect(await fileHashes(web2)).toEqual(hashes);
    expect((await liveFiles(web2, 'apache2')).serial).toBe(before.web2);

    await f.writeInventory({ cert_name: 'row4' }, { web2: { ...login, ansible_become_password: PASSWORD } });
    const again = await f.cli(['run', SITE_PLAYBOOK]);
    expect(again.out).not.toContain(PASSWORD);
    const rerun = expectConverged(again, behind2);
    expect((await f.serials()).web2).toBe(storedSerial('row4'));
    expect((await liveFiles(web2, 'apache2')).serial).toBe(storedSerial('row4'));
    recordRow({
      row: '4',
      fault:
        'web2 logs in as a non-root user with become: no sudoers rule (sudo -n refuses), then a rule needing a password and a wrong ansible_become_password',
      user_sees: `[no sudo rule] ${refusedLine}  [wrong password] ${wrongLine}`,
      exit_code: 2,
      host_serves_after: `web2: no file changed (hashes of /etc/ssl/certfleet and the server configs identical), still serving its previous valid certificate; ${rollout(behind, 'web2')}; password never printed; no TXT left`,
      rerun: `right ansible_become_password: exit 0, ${rerun}; web2 serves the new certificate`,
      test: TEST,
    });
  }, 180_000);
});

describe('row 5: the certificate directory read-only / full on a host', () => {
  const DIR = '/etc/ssl/certfleet';

  /** One faulted run on lb1 with `fault` mounted over the certificate directory, then the fault removed. */
  async function faulted(cert: string, fault: string, reason: RegExp) {
    const lb1 = host('lb1');
    const before = await f.serials();
    const old = await liveFiles(lb1, 'haproxy');
    const hashes = await fileHashes(lb1);
    await f.writeInventory({ cert_name: cert });
    await inHost(lb1, fault);
    let r: CliRun;
    try {
      r = await f.cli(['run', SITE_PLAYBOOK]);
      // while the fault is still there: the live pair is whole and matching, nothing truncated in place,
      // no temp file left (on a full disk a truncated one would hold the space)
      expect(await liveFiles(lb1, 'haproxy')).toEqual(old);
      expect(await tempFiles(lb1, DIR)).toEqual([]);
    } finally {
      await inHost(lb1, `umount ${DIR}`);
    }
    expect(r.code, r.out).toBe(2);
    const line = lineOf(r, 'lb1');
    expect(line).toMatch(new RegExp(`^failed: \\[lb1\\] => .*${DIR}/${cert}\\b.*`));
    expect(line).toMatch(reason);
    const behind = await servedAfterFault('lb1', before, cert);
    expect(await fileHashes(lb1)).toEqual(hashes);
    expect(await liveFiles(lb1, 'haproxy')).toEqual(old);
    expect(await tempFiles(lb1, DIR)).toEqual([]);
    const again = await f.cli(['run', SITE_PLAYBOOK]);
    const rerun = expectConverged(again, behind);
    expect((await f.serials()).lb1).toBe(storedSerial(cert));
    expect((await liveFiles(lb1, 'haproxy')).serial).toBe(storedSerial(cert));
    return { line, behind, rerun };
  }

  it('read-only, then full: lb1 failed naming the path and the OS reason (exit 2), nothing half-written; re-run converges', async () => {
    const ro = await faulted(
      'row5',
      `mount --bind ${DIR} ${DIR} && mount -o remount,bind,ro ${DIR}`,
      /Read-only file system/,
    );
    // a 1 MiB tmpfs holding a copy of the current files, then filled up
    const full = await faulted(
      'row5b',
      `t=$(mktemp -d) && cp -a ${DIR}/. "$t"/ && mount -t tmpfs -o size=1m cfl-row5 ${DIR} && cp -a "$t"/. ${DIR}/ && rm -rf "$t" && { dd if=/dev/zero of=${DIR}/.fill bs=1k 2>/dev/null || true; }`,
      /No space left on device/,
    );
    recordRow({
      row: '5',
      fault: `${DIR} on lb1 read-only (ro bind mount), then full (1 MiB tmpfs filled up)`,
      user_sees: `[read-only] ${ro.line}  [full] ${full.line}`,
      exit_code: 2,
      host_serves_after: `lb1: no file changed, no temp file left, its config still points at the previous combined PEM (whole, key matching, haproxy -c ok), still serving its previous valid certificate; ${rollout(ro.behind, 'lb1')}; no TXT left`,
      rerun: `fault removed: exit 0, ${ro.rerun} (read-only) / ${full.rerun} (full); lb1 serves the new certificate`,
      test: TEST,
    });
  }, 180_000);
});
