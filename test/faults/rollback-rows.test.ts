/**
 * Fault-matrix rows 6–9 (issue 7): the per-host delivery transaction of the project's own
 * `playbooks/site.yml`, through the real CLI, on the fleet lab (web1 nginx, web2 apache2, lb1
 * HAProxy, bind9 + Pebble). Every row starts from a good run, injects its fault while a new
 * certificate is to be delivered, checks what the user sees (one line naming the host and the step),
 * the exit code, that every host still serves a valid certificate and the failed host exactly what
 * it had (files byte-identical, same server PID where the server promises it), that no TXT record is
 * left, then removes the fault and checks from the recap that the re-run changes only what is left.
 *   6  a config that fails the server's config test (apachectl -t on web2: the rollout stops there;
 *      haproxy -c on lb1: a managed block inside the user's file) → rollback
 *   7  a reload that fails (HAProxy cannot bind a port another process holds) → rollback, reload back
 *   8  the new certificate is not what is served after the reload (an old vhost catches the name)
 *   9  HAProxy's admin socket missing or refusing → a reload instead of the hot update, with a warning
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeSerial } from '../../src/store/cert-pem.js';
import type { LabHost } from '../lab/index.js';
import { certfleet, errorLines } from './fault-helpers.js';
import { SERVER_NAME, SITE_PLAYBOOK, startFleetLab, type FleetLab } from './fleet-lab.js';
import { recordRow } from './record.js';
import { deadSocket, holdPort, inHost, recap, snapshot } from './rollback-faults.js';

const TEST = 'test/faults/rollback-rows.test.ts';
const ADMIN_SOCKET = '/run/haproxy/admin.sock';
let f: FleetLab;
let web1: LabHost;
let web2: LabHost;
let lb1: LabHost;

const host = (name: string): LabHost => f.lab.hosts.find((h) => h.name === name)!;
const run = () => f.cli(['run', SITE_PLAYBOOK]);
/** serial of the certificate `name` in the control node's store (what a delivery must serve) */
const storedSerial = (name: string) =>
  normalizeSerial(
    new X509Certificate(readFileSync(join(f.stateDir, 'certs', name, 'live', 'cert.pem'))).serialNumber,
  );
const warnings = (out: string) => out.split('\n').filter((l) => l.startsWith('[WARNING]'));
/** numbers that change from run to run (addresses, pids, serials) as placeholders, for the doc */
const stable = (line: string, serials: Record<string, string>) => {
  let s = line;
  for (const [label, serial] of Object.entries(serials)) s = s.replaceAll(serial, `<${label} serial>`);
  for (const h of f.lab.hosts) s = s.replaceAll(h.ip, `<${h.name} ip>`);
  return s.replace(/\(\d+\)/g, '(PID)');
};

beforeAll(async () => {
  f = await startFleetLab();
  [web1, web2, lb1] = ['web1', 'web2', 'lb1'].map(host);
  const first = await run();
  expect(first.code, first.out).toBe(0);
}, 120_000);
afterAll(async () => {
  await f?.stop();
});

describe('row 6: the config test fails after the change', () => {
  it('6a: apachectl -t fails on web2: one line, exit 2, web2 byte-identical and serving its certificate; rollout stops', async () => {
    const before = await f.serials();
    const dirs = ['/etc/apache2', '/etc/ssl/certfleet'];
    const files = await snapshot(web2, dirs);
    const pid = await web2.servicePid('apache2');
    // a host var the role passes into the vhost: the rendered config gets a directive Apache refuses
    await f.writeInventory(
      { cert_name: 'row6' },
      { web2: { apache_tls_root: '/var/www/html\n    BogusDirective on' } },
    );
    const r = await run();
    expect(r.code, r.out).toBe(2);
    const errs = errorLines(r.out);
    expect(errs, r.out).toHaveLength(1);
    expect(errs[0]).toMatch(
      /^failed: \[web2\] => apachectl -t failed: .*Syntax error on line \d+ of \/etc\/apache2\/sites-enabled\/certfleet-certfleet\.conf: \| Invalid command 'BogusDirective'.*; rolled back$/,
    );
    expect(await snapshot(web2, dirs)).toBe(files);
    expect(await web2.servicePid('apache2')).toBe(pid);
    const after = await f.serials();
    const fresh = storedSerial('row6');
    expect(after).toEqual({ web1: fresh, web2: before.web2, lb1: before.lb1 });
    expect(fresh).not.toBe(before.web1);
    // serial [1, 100%] + max_fail_percentage 0: the failed Apache canary ends the run, so the HAProxy
    // play never starts (lb1 only had its facts gathered)
    const rc = recap(r.out);
    expect(rc.web1).toMatchObject({ changed: 2, failed: 0 });
    expect(rc.web2).toMatchObject({ changed: 0, failed: 1 });
    expect(rc.lb1).toMatchObject({ ok: 1, changed: 0, failed: 0 });
    expect(f.txt()).toEqual([]);

    await f.writeInventory({ cert_name: 'row6' });
    const again = await run();
    expect(again.code, again.out).toBe(0);
    const rc2 = recap(again.out);
    expect(rc2.web1).toMatchObject({ changed: 0, failed: 0 });
    expect(rc2.web2).toMatchObject({ changed: 1, failed: 0 });
    expect(rc2.lb1).toMatchObject({ changed: 1, failed: 0 });
    expect(await f.serials()).toEqual({ web1: fresh, web2: fresh, lb1: fresh });
    expect(f.txt()).toEqual([]);
    recordRow({
      row: '6a',
      fault:
        'config test fails after the change (a host var renders an Apache directive that does not exist)',
      user_sees: stable(errs[0], {}),
      exit_code: 2,
      host_serves_after:
        'web2 rolled back: config and certificate files byte-identical, same Apache PID, previous certificate served; ' +
        'web1 (nginx, before it) serves the new one; the rollout stopped: lb1 untouched, serving its previous certificate',
      rerun:
        'fault removed: exit 0, web1 changed=0, web2 changed=1, lb1 changed=1; all serve the new certificate',
      test: TEST,
    });
  }, 120_000);

  it('6b: haproxy -c fails on lb1 (a typo in a backend name): the managed block is taken out again, same PID', async () => {
    const before = await f.serials();
    const dirs = ['/etc/haproxy', '/etc/ssl/certfleet'];
    const files = await snapshot(lb1, dirs);
    const pid = await lb1.servicePid('haproxy');
    // the frontend is a managed block inside the user's haproxy.cfg: the rollback restores the file
    await f.writeInventory({ cert_name: 'row6b' }, { lb1: { haproxy_tls_backend: 'no_such_backend' } });
    const r = await run();
    expect(r.code, r.out).toBe(2);
    const errs = errorLines(r.out);
    expect(errs, r.out).toHaveLength(1);
    expect(errs[0]).toMatch(
      /^failed: \[lb1\] => haproxy -c failed: .*unable to find required default_backend: 'no_such_backend'.*; rolled back$/,
    );
    expect(await snapshot(lb1, dirs)).toBe(files);
    expect(await lb1.servicePid('haproxy')).toBe(pid);
    const fresh = storedSerial('row6b');
    expect(await f.serials()).toEqual({ web1: fresh, web2: fresh, lb1: before.lb1 });
    const rc = recap(r.out);
    expect(rc.web1).toMatchObject({ changed: 2, failed: 0 });
    expect(rc.web2).toMatchObject({ changed: 1, failed: 0 });
    expect(rc.lb1).toMatchObject({ changed: 0, failed: 1 });
    expect(f.txt()).toEqual([]);

    await f.writeInventory({ cert_name: 'row6b' });
    const again = await run();
    expect(again.code, again.out).toBe(0);
    const rc2 = recap(again.out);
    expect(rc2.web1).toMatchObject({ changed: 0, failed: 0 });
    expect(rc2.web2).toMatchObject({ changed: 0, failed: 0 });
    expect(rc2.lb1).toMatchObject({ changed: 1, failed: 0 });
    expect(await f.serials()).toEqual({ web1: fresh, web2: fresh, lb1: fresh });
    recordRow({
      row: '6b',
      fault:
        'config test fails after the change (HAProxy: default_backend names a backend that does not exist)',
      user_sees: stable(errs[0], {}),
      exit_code: 2,
      host_serves_after:
        'lb1 rolled back: haproxy.cfg (managed block) and certificate files byte-identical, same HAProxy PID, previous certificate served; web1, web2 serve the new one',
      rerun: 'fault removed: exit 0, web1 changed=0, web2 changed=0, lb1 changed=1',
      test: TEST,
    });
  }, 120_000);
});

describe('row 7: the reload fails', () => {
  it('HAProxy cannot bind on lb1: one line, exit 2, previous config restored, HAProxy running with the previous certificate', async () => {
    const before = await f.serials();
    const dirs = ['/etc/haproxy', '/etc/ssl/certfleet'];
    const files = await snapshot(lb1, dirs);
    const pid = await lb1.servicePid('haproxy');
    // the new frontend port is held by another process on lb1: `haproxy -c` binds nothing and passes,
    // the new HAProxy process of the reload cannot bind and exits
    const port = 9443;
    const held = await holdPort(lb1, port);
    let r;
    try {
      await f.writeInventory({ cert_name: 'row7' }, { lb1: { haproxy_tls_port: port } });
      r = await run();
    } finally {
      await held.release();
    }
    expect(r.code, r.out).toBe(2);
    const errs = errorLines(r.out);
    expect(errs, r.out).toHaveLength(1);
    expect(errs[0]).toMatch(
      new RegExp(
        `^failed: \\[lb1\\] => reload failed: .*cannot bind socket \\(Address already in use\\) for \\[0\\.0\\.0\\.0:${port}\\].*; rolled back$`,
      ),
    );
    expect(await snapshot(lb1, dirs)).toBe(files);
    // rolled back and reloaded with the previous config: HAProxy runs (a new process is fine)
    const newPid = await lb1.servicePid('haproxy');
    expect(newPid).not.toBeNull();
    expect((await inHost(lb1, 'haproxy -c -f /etc/haproxy/haproxy.cfg 2>&1')).trim()).toMatch(/valid/);
    const fresh = storedSerial('row7');
    expect(await f.serials()).toEqual({ web1: fresh, web2: fresh, lb1: before.lb1 });
    const rc = recap(r.out);
    expect(rc.web1).toMatchObject({ changed: 2, failed: 0 });
    expect(rc.web2).toMatchObject({ changed: 1, failed: 0 });
    expect(rc.lb1).toMatchObject({ changed: 0, failed: 1 });
    expect(f.txt()).toEqual([]);

    await f.writeInventory({ cert_name: 'row7' });
    const again = await run();
    expect(again.code, again.out).toBe(0);
    const rc2 = recap(again.out);
    expect(rc2.web1).toMatchObject({ changed: 0, failed: 0 });
    expect(rc2.web2).toMatchObject({ changed: 0, failed: 0 });
    expect(rc2.lb1).toMatchObject({ changed: 1, failed: 0 });
    expect(await f.serials()).toEqual({ web1: fresh, web2: fresh, lb1: fresh });
    expect(f.txt()).toEqual([]);
    recordRow({
      row: '7',
      fault:
        'reload fails: the new HAProxy frontend port is held by another process on lb1 (haproxy -c passes)',
      user_sees: stable(errs[0], {}),
      exit_code: 2,
      host_serves_after: `lb1 rolled back: haproxy.cfg and certificate files byte-identical, HAProxy reloaded with the previous config (PID ${pid === newPid ? 'same' : 'new'}), previous certificate served; web1, web2 serve the new one`,
      rerun: 'port back, other process gone: exit 0, web1 changed=0, web2 changed=0, lb1 changed=1',
      test: TEST,
    });
  }, 120_000);
});

describe('row 8: the served certificate does not match after the reload', () => {
  it('an old vhost on web1 catches the name: one line with both serials, exit 2, rolled back', async () => {
    const before = await f.serials();
    const port = web1.ports.nginx!.https;
    // a hand-made server block for the same name, loaded before certfleet's site, with a copy of the
    // certificate served now: nginx -t passes (a "conflicting server name" warning), the old one wins
    await inHost(
      web1,
      [
        'mkdir -p /etc/ssl/legacy',
        // the files certfleet's snippet points at now
        "d=$(sed -n 's|^ssl_certificate \\(.*\\)/fullchain.pem;|\\1|p' /etc/nginx/snippets/certfleet-certfleet-ssl.conf)",
        'cp "$d/fullchain.pem" "$d/privkey.pem" /etc/ssl/legacy/',
        `printf 'server {\\n    listen ${port} ssl;\\n    server_name ${SERVER_NAME};\\n    ssl_certificate /etc/ssl/legacy/fullchain.pem;\\n    ssl_certificate_key /etc/ssl/legacy/privkey.pem;\\n}\\n' > /etc/nginx/sites-enabled/00-legacy.conf`,
      ].join(' && '),
    );
    const dirs = ['/etc/nginx', '/etc/ssl/certfleet'];
    const files = await snapshot(web1, dirs);
    const pid = await web1.servicePid('nginx');
    await f.writeInventory({ cert_name: 'row8' });
    const r = await run();
    expect(r.code, r.out).toBe(2);
    const fresh = storedSerial('row8');
    const errs = errorLines(r.out);
    expect(errs, r.out).toHaveLength(1);
    expect(errs[0]).toBe(
      `failed: [web1] => verification failed: ${web1.ip}:${port} serves serial ${before.web1}, expected ${fresh}; rolled back`,
    );
    expect(await snapshot(web1, dirs)).toBe(files);
    expect(await web1.servicePid('nginx')).toBe(pid);
    // web1 is the nginx canary: its failure ends the run before Apache and HAProxy
    expect(await f.serials()).toEqual(before);
    const rc = recap(r.out);
    expect(rc.web1).toMatchObject({ changed: 1, failed: 1 });
    expect(rc.web2).toMatchObject({ ok: 1, changed: 0, failed: 0 });
    expect(rc.lb1).toMatchObject({ ok: 1, changed: 0, failed: 0 });
    expect(f.txt()).toEqual([]);

    await inHost(web1, 'rm -r /etc/nginx/sites-enabled/00-legacy.conf /etc/ssl/legacy');
    const again = await run();
    expect(again.code, again.out).toBe(0);
    const rc2 = recap(again.out);
    for (const h of ['web1', 'web2', 'lb1']) expect(rc2[h]).toMatchObject({ changed: 1, failed: 0 });
    expect(await f.serials()).toEqual({ web1: fresh, web2: fresh, lb1: fresh });
    expect(f.txt()).toEqual([]);
    recordRow({
      row: '8',
      fault:
        'served certificate does not match after the reload: an old nginx vhost for the same name catches the SNI',
      user_sees: stable(errs[0], { old: before.web1, new: fresh }),
      exit_code: 2,
      host_serves_after:
        'web1 rolled back: files byte-identical, same nginx PID, previous certificate served; the rollout stopped at the canary (web2, lb1 untouched)',
      rerun:
        'old vhost removed: exit 0, changed=1 on each host (the issuance was done by the failed run: web1 changed=1, not 2)',
      test: TEST,
    });
  }, 120_000);
});

describe('row 9: HAProxy admin socket missing or refusing', () => {
  it('a renewal falls back to a reload on lb1 with a warning naming the host and the socket; exit 0; new certificate served', async () => {
    // the rows above changed the certificate name (a config change, always a reload): start from a
    // run with this row's name, so that the next renewal is a certificate-only change
    await f.writeInventory({ cert_name: 'row9' });
    const start = await run();
    expect(start.code, start.out).toBe(0);
    const renew = async () => {
      const r = await certfleet(['certs', 'renew', 'row9', '--force', '--state-dir', f.stateDir], {
        cwd: f.dir,
        env: { RFC2136_TSIG_SECRET: f.bind.tsig.secret },
      });
      expect(r.code, r.out).toBe(0);
      return storedSerial('row9');
    };

    // with the socket working the renewal is a hot update: same PID (what the fault takes away)
    let pid = await lb1.servicePid('haproxy');
    let fresh = await renew();
    const hot = await run();
    expect(hot.code, hot.out).toBe(0);
    expect(warnings(hot.out)).toEqual([]);
    expect(await lb1.servicePid('haproxy')).toBe(pid);
    expect((await f.serials()).lb1).toBe(fresh);

    const seen: string[] = [];
    for (const [fault, inject] of [
      ['missing', () => inHost(lb1, `rm ${ADMIN_SOCKET}`)],
      ['refusing', () => deadSocket(lb1, ADMIN_SOCKET)],
    ] as const) {
      fresh = await renew();
      await inject();
      pid = await lb1.servicePid('haproxy');
      const r = await run();
      expect(r.code, `${fault}: ${r.out}`).toBe(0);
      expect(errorLines(r.out), r.out).toEqual([]);
      const w = warnings(r.out);
      expect(w, r.out).toEqual([
        `[WARNING]: lb1: HAProxy runtime API at ${ADMIN_SOCKET} does not answer; certificate updated by a reload instead of a hot update`,
      ]);
      seen.push(w[0]);
      const newPid = await lb1.servicePid('haproxy');
      expect(newPid).not.toBeNull();
      expect(newPid).not.toBe(pid);
      expect(await f.serials()).toEqual({ web1: fresh, web2: fresh, lb1: fresh });
      for (const h of ['web1', 'web2', 'lb1'])
        expect(recap(r.out)[h]).toMatchObject({ changed: 1, failed: 0 });
      expect(f.txt()).toEqual([]);
    }

    // the reloaded HAProxy made its socket again: the next run finds everything in place
    await inHost(lb1, `test -S ${ADMIN_SOCKET}`);
    pid = await lb1.servicePid('haproxy');
    const again = await run();
    expect(again.code, again.out).toBe(0);
    expect(warnings(again.out)).toEqual([]);
    for (const h of ['web1', 'web2', 'lb1'])
      expect(recap(again.out)[h]).toMatchObject({ changed: 0, failed: 0 });
    expect(await lb1.servicePid('haproxy')).toBe(pid);
    expect(await f.serials()).toEqual({ web1: fresh, web2: fresh, lb1: fresh });
    recordRow({
      row: '9',
      fault:
        'HAProxy admin socket missing (removed) or refusing (stale socket file) during a certificate-only renewal',
      user_sees: seen[0],
      exit_code: 0,
      host_serves_after:
        'lb1 reloaded (new PID) instead of hot-updated, serving the new certificate; web1, web2 too (same for both faults)',
      rerun: 'socket back (made by the reloaded HAProxy): exit 0, changed=0 on every host, no warning',
      test: TEST,
    });
  }, 120_000);
});
