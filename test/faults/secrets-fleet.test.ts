/**
 * Row S2 of the reliability table (issue 7 "Secrets"): three full issuance + delivery rollouts of the
 * project's `playbooks/site.yml` on the fleet lab, one per DNS provider — rfc2136 (TSIG secret in the
 * inventory), ovh (application secret + consumer key in an `-e @file` credentials file, through the
 * OVH fake) and route53 (AWS keys from the environment, through the Route53 fake) — each with a wrong
 * secret, a scheduled-style run writing a log, a forced `certs renew` (secrets from the environment,
 * also wrong), `--check --diff` and `--diff` of the renewed key and certificate, and an idempotent
 * re-run; plain, `-v`, `-vvv` and `--json` output; `inventory --list/--host` and `certs list`. Everything printed, the schedule log and every
 * state file but the private keys are then searched for every secret and for the private part of
 * every private key; key files are 0600 on the controller and on every host, the state dir 0700.
 */
import { createPrivateKey, randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { describeCert } from '../../src/store/cert-pem.js';
import { startOvhFake, type OvhFake } from '../fakes/ovh-server.js';
import { startRoute53Fake, type Route53Fake } from '../fakes/route53-server.js';
import { connect } from '../integration/delivery-helpers.js';
import { certfleet, errorLines, type CliRun } from './fault-helpers.js';
import { bindUpdateTarget, SITE_PLAYBOOK, startFleetLab, type FleetLab } from './fleet-lab.js';
import { recordRow } from './record.js';

const ZONE = 'example.test';
const secret = (n: number) => randomBytes(n).toString('base64');
const OVH = {
  applicationKey: `ovh-app-key-${randomBytes(4).toString('hex')}`,
  applicationSecret: `ovhAppSecret${randomBytes(12).toString('hex')}`,
  consumerKey: `ovhConsumerKey${randomBytes(12).toString('hex')}`,
};
// `/` and `+` as AWS secret keys have them: the value must be matched as a whole, not as a word
const AWS = { accessKeyId: 'AKIACERTFLEETS2TEST', secretAccessKey: `aws/${secret(24)}+S2` };
const WRONG = {
  tsig: secret(32),
  ovhSecret: `ovhWrongSecret${randomBytes(10).toString('hex')}`,
  ovhConsumer: `ovhWrongConsumer${randomBytes(10).toString('hex')}`,
  aws: `awsWrong/${secret(24)}`,
};

let f: FleetLab;
let ovh: OvhFake;
let r53: Route53Fake;
let caFile: string;
let scheduleLog: string;
/** every output a user saw, labelled by the command that printed it */
const printed: { label: string; run: CliRun }[] = [];
const timings: string[] = [];
const done = new Set<string>();

beforeAll(async () => {
  f = await startFleetLab();
  const target = bindUpdateTarget(f);
  ovh = await startOvhFake({ zones: [ZONE], bind9: target, ...OVH });
  r53 = await startRoute53Fake({ zones: [ZONE], bind9: target, ...AWS });
  // the OVH client trusts Node's default CAs only: the CLI child gets the fake's certificate this way
  caFile = join(f.dir, 'ovh-fake-ca.pem');
  await writeFile(caFile, ovh.ca);
  scheduleLog = join(f.dir, 'log', 'certfleet-site.log');
}, 120_000);

afterAll(async () => {
  await r53?.stop().catch(() => undefined);
  await ovh?.stop().catch(() => undefined);
  await f?.stop();
});

/** DNS settings every provider shares: poll the lab's bind9 for propagation. */
function propagation(): Record<string, unknown> {
  const { nameservers, authoritative_override, propagation_timeout, propagation_interval } = f.rfc2136;
  return { nameservers, authoritative_override, propagation_timeout, propagation_interval };
}

/** `certfleet ARGS` in the lab dir (no inventory added), recorded for the final search. */
async function cli(label: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const run = await certfleet(args, { cwd: f.dir, env: { NODE_EXTRA_CA_CERTS: caFile, ...env } });
  printed.push({ label, run });
  timings.push(`${label} ${run.seconds.toFixed(1)} s`);
  return run;
}

/** `certfleet run site.yml FLAGS -i INVENTORY --known-hosts LAB`, recorded. */
async function site(label: string, flags: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const run = await f.cli(['run', SITE_PLAYBOOK, ...flags], { env: { NODE_EXTRA_CA_CERTS: caFile, ...env } });
  printed.push({ label, run });
  timings.push(`${label} ${run.seconds.toFixed(1)} s`);
  return run;
}

type Counts = Record<string, { changed: number; failed: number }>;

/** NDJSON events of a `--json` run (stdout lines that are JSON objects). */
function events(out: string): Record<string, unknown>[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** changed/failed per host, from the PLAY RECAP lines or the `recap` event of `--json`. */
function recap(run: CliRun): Counts {
  const seen: Counts = {};
  const ev = events(run.out).find((e) => e.event === 'recap');
  if (ev) {
    for (const [h, c] of Object.entries(ev.hosts as Record<string, { changed: number; failed: number }>))
      seen[h] = { changed: c.changed, failed: c.failed };
    return seen;
  }
  for (const m of run.out.matchAll(/^(\S+)\s*: ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)/gm))
    seen[m[1]] = { changed: Number(m[2]), failed: Number(m[3]) };
  return seen;
}

/** The diffs a run showed: the `diff` of its `--json` events, else its plain output. */
function shownDiffs(run: CliRun): string {
  const ev = events(run.out);
  if (!ev.length) return run.out;
  return ev
    .flatMap((e) => (e.diff as { unified: string }[] | undefined) ?? [])
    .map((d) => d.unified)
    .join('\n');
}

/** The same counts on every lab host except where `web1` (which runs the run_once ACME task) differs. */
function counts(changed: number, failed = 0, web1Changed = changed): Counts {
  return {
    web1: { changed: web1Changed, failed },
    web2: { changed, failed },
    lb1: { changed, failed },
  };
}

/** The serial of the stored certificate `name`. */
async function storedSerial(name: string): Promise<string> {
  return describeCert(await readFile(join(f.stateDir, 'certs', name, 'live', 'cert.pem'), 'utf8')).serial;
}

/** Every host serves a valid certificate with this serial. */
async function expectServed(serial: string): Promise<void> {
  const seen = await f.serials();
  for (const h of f.lab.hosts) expect(seen[h.name], h.name).toBe(serial);
}

/** A provider's rollout: what differs between rfc2136, ovh and route53. */
interface Provider {
  code: string;
  /** the certificate name of this provider's rollout */
  cert: string;
  /** write what the run needs (inventory, credentials file); returns extra flags and env */
  setup(wrong: boolean): Promise<{ flags: string[]; env: Record<string, string>; file?: string }>;
  /** env for `certs renew` (secrets as a cron job gets them) */
  renewEnv(wrong: boolean): Record<string, string>;
}

const scratch = (name: string) => join(f.dir, name);
/** The AWS SDK's own variables, as a user exports them. */
const awsEnv = (wrong: boolean): Record<string, string> => ({
  AWS_ACCESS_KEY_ID: AWS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: wrong ? WRONG.aws : AWS.secretAccessKey,
});

const PROVIDERS: Provider[] = [
  {
    code: 'rfc2136',
    cert: 's2-rfc2136',
    setup: async (wrong) => {
      await f.writeInventory({
        cert_name: 's2-rfc2136',
        acme_dns: { ...f.rfc2136, tsig_secret: wrong ? WRONG.tsig : f.bind.tsig.secret },
      });
      return { flags: [], env: {} };
    },
    renewEnv: (wrong) => ({ RFC2136_TSIG_SECRET: wrong ? WRONG.tsig : f.bind.tsig.secret }),
  },
  {
    code: 'ovh',
    cert: 's2-ovh',
    setup: async (wrong) => {
      await f.writeInventory({ cert_name: 's2-ovh' });
      // the credentials file a user keeps beside the playbook; it overrides the inventory's acme_dns
      const file = scratch(wrong ? 'ovh-wrong.yml' : 'ovh-credentials.yml');
      const acme_dns = {
        provider: 'ovh',
        endpoint: ovh.url,
        application_key: OVH.applicationKey,
        application_secret: wrong ? WRONG.ovhSecret : OVH.applicationSecret,
        consumer_key: wrong ? WRONG.ovhConsumer : OVH.consumerKey,
        backoff_ms: 50,
        ...propagation(),
      };
      await writeFile(file, stringify({ acme_dns }), { mode: 0o600 });
      return { flags: ['-e', `@${file}`], env: {}, file };
    },
    renewEnv: (wrong) => ({
      OVH_APPLICATION_SECRET: wrong ? WRONG.ovhSecret : OVH.applicationSecret,
      OVH_CONSUMER_KEY: wrong ? WRONG.ovhConsumer : OVH.consumerKey,
    }),
  },
  {
    code: 'route53',
    cert: 's2-route53',
    setup: async (wrong) => {
      // no key in any file: the AWS SDK convention, AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY
      await f.writeInventory({
        cert_name: 's2-route53',
        acme_dns: {
          provider: 'route53',
          endpoint: r53.endpoint,
          change_interval_ms: 50,
          change_timeout_ms: 5000,
          ...propagation(),
        },
      });
      return { flags: [], env: awsEnv(wrong) };
    },
    renewEnv: awsEnv,
  },
];

/**
 * Output flags of each step per provider, so that every mode (plain, -v, -vvv, --json, --check --diff,
 * --diff) prints with every provider's secrets in play; `idem` is the final re-run, after the last one.
 */
const MODES: Record<
  string,
  { wrong: string[][]; good: string[]; check: string[]; diff: string[]; idem?: string[] }
> = {
  rfc2136: { wrong: [['-v']], good: ['-v'], check: ['--check', '--diff'], diff: ['--diff', '--json'] },
  ovh: {
    wrong: [[], ['--json']],
    good: ['--json'],
    check: ['--check', '--diff', '--json'],
    diff: ['--diff', '-vvv'],
  },
  route53: {
    wrong: [['-vvv']],
    good: ['--json'],
    check: ['--check', '--diff', '-v'],
    diff: ['--diff'],
    idem: ['-v'],
  },
};

/** The one line each provider's refusal is reported with (plain output). */
const REFUSED: Record<string, RegExp> = {
  rfc2136:
    /^failed: \[web1\] => rfc2136: update of _acme-challenge\.example\.test\. refused by 127\.0\.0\.1:\d+: BADSIG /,
  ovh: /^failed: \[web1\] => ovh: POST \/domain\/zone\/example\.test\/record failed: HTTP 403 /,
  route53: /^failed: \[web1\] => route53: finding the hosted zone example\.test\.: SignatureDoesNotMatch: /,
};

/** What a user saw per provider: the refused run's line, the refused renewal's line, the warning. */
const seenLines: Record<string, string[]> = {};

describe('S2: secrets in a full issuance + delivery (rfc2136, OVH, Route53)', () => {
  let served = '';

  it('baseline: a scheduled run (schedule exec, output in its log) issues and delivers', async () => {
    await mkdir(join(f.dir, 'log'), { recursive: true });
    const run = await cli('schedule exec -- run', [
      'schedule',
      'exec',
      '--log',
      scheduleLog,
      '--',
      'run',
      SITE_PLAYBOOK,
      '-i',
      f.inventory,
      '--known-hosts',
      f.lab.knownHostsFile,
    ]);
    const log = await readFile(scheduleLog, 'utf8');
    expect(run.code, `${run.out}\n${log}`).toBe(0);
    expect(log).toMatch(/^certfleet schedule: exit 0 at /m);
    expect(recap({ ...run, out: log })).toEqual(counts(1, 0, 2));
    served = await storedSerial('wildcard');
    await expectServed(served);
    expect(f.txt()).toEqual([]);
    done.add('baseline');
  }, 60_000);

  for (const p of PROVIDERS) {
    it(`${p.code}: wrong secret refused; issuance; forced renewal; --check --diff; --diff; re-run`, async () => {
      const m = MODES[p.code];
      const lines: string[] = (seenLines[p.code] = []);
      // 1. a wrong secret: one line naming the zone, nothing left in DNS, every host keeps its certificate
      for (const flags of m.wrong) {
        const s = await p.setup(true);
        const bad = await site(`${p.code} wrong secret ${flags.join(' ')}`, [...flags, ...s.flags], s.env);
        expect(bad.code, bad.out).toBe(2);
        if (flags.includes('--json')) {
          const failed = events(bad.out).filter((e) => e.event === 'host_result' && e.status === 'failed');
          expect(failed.map((e) => e.host)).toEqual(['web1']);
          expect(String(failed[0].msg)).toMatch(
            new RegExp(REFUSED[p.code].source.replace('^failed: \\[web1\\] => ', '^')),
          );
        } else {
          const errs = errorLines(bad.out);
          expect(errs, bad.out).toHaveLength(1);
          // the raw output, escaped, on failure: a stray character in the line must be visible
          expect(errs[0], JSON.stringify(bad.out)).toMatch(REFUSED[p.code]);
          lines.push(errs[0]);
        }
        expect(recap(bad)).toEqual(counts(0, 1));
        expect(f.txt()).toEqual([]);
        await expectServed(served);
      }
      // 2. the fault removed: issued once (web1 runs the run_once ACME task), delivered to every host
      let s = await p.setup(false);
      if (s.file) await chmod(s.file, 0o644);
      const good = await site(`${p.code} issue ${m.good.join(' ')}`, [...m.good, ...s.flags], s.env);
      expect(good.code, good.out).toBe(0);
      expect(recap(good)).toEqual(counts(1, 0, 2));
      if (s.file) {
        // like certbot for its credentials .ini: one warning naming the file, never the values
        const warning =
          `[WARNING]: ${s.file} is readable by group and others (mode 0644) and holds credentials ` +
          `(application_key, application_secret, consumer_key); run: chmod 600 ${s.file}`;
        expect(good.out.split('\n').filter((l) => l.startsWith('[WARNING]'))).toEqual([warning]);
        lines.push(warning);
        await chmod(s.file, 0o600);
      }
      const first = await storedSerial(p.cert);
      await expectServed(first);
      expect(f.txt()).toEqual([]);
      if (p.code === 'rfc2136') {
        // the inventory holds the TSIG secret one level down, in acme_dns: what `inventory` shows of it
        for (const args of [['--list'], ['--host', 'web1']]) {
          const inv = await cli(`inventory ${args.join(' ')}`, ['inventory', ...args, '-i', f.inventory]);
          expect(inv.code, inv.out).toBe(0);
          expect(inv.out).toContain('"tsig_secret": "********"');
        }
      }

      // 3. a forced renewal as a cron job runs it, secrets from the environment: wrong, then right
      const renewArgs = ['certs', 'renew', p.cert, '--force', '--state-dir', f.stateDir];
      const badRenew = await cli(`${p.code} certs renew, wrong secret`, renewArgs, p.renewEnv(true));
      expect(badRenew.code, badRenew.out).toBe(5);
      const renewErr = badRenew.out.split('\n').filter((l) => l.startsWith('certfleet: error:'));
      expect(renewErr, badRenew.out).toHaveLength(1);
      expect(renewErr[0]).toMatch(new RegExp(`^certfleet: error: ${p.cert}: ${p.code}: .*example\\.test`));
      lines.push(renewErr[0]);
      expect(await storedSerial(p.cert)).toBe(first);
      expect(f.txt()).toEqual([]);
      const renew = await cli(`${p.code} certs renew`, renewArgs, p.renewEnv(false));
      expect(renew.code, renew.out).toBe(0);
      expect(renew.out).toContain(`${p.cert}: renewed (forced)`);
      const second = await storedSerial(p.cert);
      expect(second).not.toBe(first);
      expect(f.txt()).toEqual([]);

      // 4. the renewed key and certificate, as --check --diff and --diff show them: the certificate by
      // its serial, every key file (privkey.pem, HAProxy's combined PEM) as a placeholder
      s = await p.setup(false);
      const check = await site(`${p.code} ${m.check.join(' ')}`, [...m.check, ...s.flags], s.env);
      const diff = await site(`${p.code} ${m.diff.join(' ')}`, [...m.diff, ...s.flags], s.env);
      for (const run of [check, diff]) {
        const text = shownDiffs(run);
        expect(text, run.out).toContain(`--- /etc/ssl/certfleet/${p.cert}/cert.pem (before)`);
        expect(text).toContain(`-certificate serial ${first}\n`);
        expect(text).toContain(`+certificate serial ${second}\n`);
        for (const key of [`/etc/ssl/certfleet/${p.cert}/privkey.pem`, `/etc/haproxy/certs/${p.cert}.pem`])
          expect(text).toContain(`--- ${key} (before)`);
        // privkey.pem on the 3 hosts + lb1's combined PEM
        expect(text.match(/^\+\(secret content, sha256 [0-9a-f]{12}\.\.\.\)$/gm), text).toHaveLength(4);
      }
      expect(diff.code, diff.out).toBe(0);
      expect(recap(diff)).toEqual(counts(1));
      await expectServed(second);
      // check mode changed nothing on the hosts (the diff run above found the old files in place), and
      // the verify play reports the serial still to be delivered instead of failing on it
      expect(check.code, check.out).toBe(0);
      expect(recap(check)).toEqual(counts(1));
      const pendingLines = check.out.includes('"event"')
        ? events(check.out)
            .filter((e) => e.event === 'warning' && /not delivered yet/.test(String(e.message)))
            .map((e) => String(e.message))
        : check.out.split('\n').filter((l) => l.startsWith('[WARNING]') && /not delivered yet/.test(l));
      expect(pendingLines, check.out).toHaveLength(3);
      for (const l of pendingLines)
        expect(l).toMatch(new RegExp(`serves serial ${first}; serial ${second} is not delivered yet`));

      if (s.file) {
        // a credentials file only its owner can read: no warning, in any run but the 0644 one
        const credWarnings = printed
          .filter((r) => r.label.startsWith(p.code) && r.run !== good)
          .flatMap((r) => r.run.out.split('\n'))
          .filter((l) => l.startsWith('[WARNING]') && /ovh-(credentials|wrong)\.yml/.test(l));
        expect(credWarnings).toEqual([]);
      }
      // 5. after the last rollout: nothing left to do (the earlier ones are followed by the next
      // provider's refused run, which must leave their certificate served)
      if (m.idem) {
        const idem = await site(`${p.code} re-run ${m.idem.join(' ')}`, [...m.idem, ...s.flags], s.env);
        expect(idem.code, idem.out).toBe(0);
        expect(recap(idem)).toEqual(counts(0));
        await expectServed(second);
      }
      served = second;
      done.add(p.code);
    }, 150_000);
  }

  it('no secret and no private key anywhere in what was printed, logged or stored; key modes', async () => {
    expect([...done]).toEqual(['baseline', ...PROVIDERS.map((p) => p.code)]);
    const list = await cli('certs list --json', ['certs', 'list', '--json', '--state-dir', f.stateDir]);
    expect(list.code, list.out).toBe(0);
    const files = await walk(f.stateDir);
    // the private keys themselves: every certificate version's privkey.pem and the ACME account key
    const keyFiles = files.filter((x) => /\/(privkey|key)\.pem$/.test(x));
    const certNames = ['wildcard', ...PROVIDERS.map((p) => p.cert)];
    for (const n of certNames)
      expect(keyFiles).toContain(join(f.stateDir, 'certs', n, 'live', 'privkey.pem'));
    // wildcard: 1 version; each provider's: issued + renewed; plus the account key
    expect(keyFiles.filter((x) => x.includes('/archive/'))).toHaveLength(1 + 2 * PROVIDERS.length);
    expect(keyFiles.filter((x) => x.endsWith('/key.pem'))).toHaveLength(1);
    const publicPem = (
      await Promise.all(files.filter((x) => /(cert|chain)\.pem$/.test(x)).map((x) => readFile(x, 'utf8')))
    ).join('\n');
    const needles: { what: string; value: string }[] = [
      { what: 'TSIG secret', value: f.bind.tsig.secret },
      { what: 'wrong TSIG secret', value: WRONG.tsig },
      { what: 'OVH application secret', value: OVH.applicationSecret },
      { what: 'OVH consumer key', value: OVH.consumerKey },
      { what: 'wrong OVH application secret', value: WRONG.ovhSecret },
      { what: 'wrong OVH consumer key', value: WRONG.ovhConsumer },
      { what: 'AWS secret access key', value: AWS.secretAccessKey },
      { what: 'wrong AWS secret access key', value: WRONG.aws },
    ];
    const secretCount = needles.length;
    for (const k of keyFiles) {
      const pem = await readFile(k, 'utf8');
      for (const [i, part] of privateParts(pem, publicPem).entries())
        needles.push({ what: `${k} (private part ${i})`, value: part });
    }
    expect(needles.length).toBeGreaterThan(8 + keyFiles.length);

    const haystacks: Haystack[] = [
      ...printed.map((r) => ({ where: `output of ${r.label}`, text: r.run.out })),
      { where: `schedule log ${scheduleLog}`, text: await readFile(scheduleLog, 'utf8') },
    ];
    for (const x of files.filter((y) => !keyFiles.includes(y)))
      haystacks.push({ where: x, text: await readFile(x, 'utf8') });
    // the journal of the refused runs (values whose cleanup was refused too) is among them
    expect(haystacks.map((h) => h.where)).toContain(join(f.stateDir, 'dns-journal.json'));
    // the search itself must see a secret when one is there: a positive control with the inputs that
    // legitimately hold them (credentials as written, env lines, every key as a JSON string and as a JWK)
    const controls: Haystack[] = [
      { where: 'rfc2136 settings', text: stringify({ acme_dns: f.rfc2136 }) },
      { where: 'wrong rfc2136 settings', text: stringify({ tsig_secret: WRONG.tsig }) },
      { where: 'ovh credentials', text: await readFile(join(f.dir, 'ovh-credentials.yml'), 'utf8') },
      { where: 'wrong ovh credentials', text: await readFile(join(f.dir, 'ovh-wrong.yml'), 'utf8') },
      {
        where: 'aws env',
        text: [awsEnv(false), awsEnv(true)]
          .map((e) => `export AWS_SECRET_ACCESS_KEY=${e.AWS_SECRET_ACCESS_KEY}`)
          .join('\n'),
      },
      ...(await Promise.all(
        keyFiles.map(async (k) => {
          const pem = await readFile(k, 'utf8');
          return {
            where: k,
            text: JSON.stringify({ pem, jwk: createPrivateKey(pem).export({ format: 'jwk' }) }),
          };
        }),
      )),
    ];
    const found = new Set(findLeaks(controls, needles).map((l) => l.slice(0, l.lastIndexOf(' in '))));
    expect(needles.filter((n) => !found.has(n.what)).map((n) => n.what)).toEqual([]);
    const leaks = findLeaks(haystacks, needles);
    expect(leaks).toEqual([]);

    // modes on the control node: the state dir 0700, every private key 0600
    expect((await stat(f.stateDir)).mode & 0o777).toBe(0o700);
    for (const k of keyFiles) expect((await stat(k)).mode & 0o777, k).toBe(0o600);
    // and on every host: each delivered certificate's key (and its .prev copy), HAProxy's combined PEMs
    for (const h of f.lab.hosts) {
      const conn = connect(f.lab, h);
      try {
        const r = await conn.exec(
          "find /etc/ssl/certfleet /etc/haproxy/certs -type f \\( -name privkey.pem -o -path '/etc/haproxy/certs/*.pem' \\) -exec stat -c '%a %n' {} + 2>/dev/null",
        );
        const modes = new Map(
          r.stdout
            .trim()
            .split('\n')
            .map((l) => [l.slice(l.indexOf(' ') + 1), l.slice(0, l.indexOf(' '))] as const),
        );
        for (const n of certNames)
          expect(modes.get(`/etc/ssl/certfleet/${n}/privkey.pem`), `${h.name} ${n}`).toBe('600');
        if (h.services.includes('haproxy'))
          for (const n of certNames)
            expect(modes.get(`/etc/haproxy/certs/${n}.pem`), `${h.name} ${n}`).toBe('600');
        for (const [path, mode] of modes) expect(mode, `${h.name}:${path}`).toBe('600');
      } finally {
        await conn.close();
      }
    }
    console.log(timings.join('\n'));

    const tidy = (l: string) =>
      l
        .replaceAll(f.dir, '<dir>')
        .replaceAll(f.bind.tsig.name, 'LAB-KEY')
        .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
    recordRow({
      row: 'S2',
      fault:
        'secrets in a full issuance + delivery (rfc2136, OVH, Route53): a wrong TSIG secret / OVH application secret + consumer key / ' +
        'AWS secret key in `run` and in `certs renew` (secrets from env), the OVH credentials file mode 0644, ' +
        '`--check --diff` and `--diff` of a renewed key and certificate; plain, -v, -vvv, --json',
      user_sees: PROVIDERS.flatMap((p) => seenLines[p.code])
        .map(tidy)
        .join(' | '),
      exit_code: 2,
      host_serves_after:
        `every host kept serving its valid certificate through each refusal (\`certs renew\` refused: exit 5, ` +
        `store unchanged); no TXT left in bind9; the diffs show the certificate serials and ` +
        `"(secret content, sha256 …)" for every key file; none of the ${secretCount} ` +
        `secrets nor any private part of the ${keyFiles.length} private keys in ${printed.length} outputs, ` +
        `the schedule log or ${files.length - keyFiles.length} state files (journal included); keys 0600 ` +
        `on the controller and every host, state dir 0700`,
      rerun:
        'right secret: changed only where needed (web1 2: ACME + site; web2, lb1 1), the renewed key and ' +
        'certificate delivered with --diff (1 per host), then changed=0',
      test: 'test/faults/secrets-fleet.test.ts',
    });
  }, 60_000);
});

/** Some text and where it was seen. */
interface Haystack {
  where: string;
  text: string;
}

/**
 * `WHAT in WHERE` for every needle found in a haystack. Key material is also looked for with line
 * breaks and JSON `\\n` escapes removed (a key body re-wrapped or inside a JSON string), and any PEM
 * private-key block with a body counts, whosever key it is.
 */
function findLeaks(haystacks: Haystack[], needles: { what: string; value: string }[]): string[] {
  const leaks: string[] = [];
  for (const h of haystacks) {
    const flat = h.text.replace(/\\n|\s/g, '');
    for (const n of needles)
      if (h.text.includes(n.value) || flat.includes(n.value)) leaks.push(`${n.what} in ${h.where}`);
    if (/PRIVATE KEY-----(\s|\\n)*[A-Za-z0-9+/]{16}/.test(h.text))
      leaks.push(`a PEM private key body in ${h.where}`);
  }
  return leaks;
}

/** Every file under `dir`, recursively. */
async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? walk(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
  );
  return nested.flat();
}

/**
 * Substrings of a private key that only a leak of the key could show: 32-character windows of its
 * base64 body (line breaks removed) that occur in no certificate (an EC key also holds its public
 * point, which every certificate of it shows), plus the private scalar as JWK `d`.
 */
function privateParts(pem: string, publicPem: string): string[] {
  const m = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----([\s\S]+?)-----END/.exec(pem);
  if (!m) throw new Error('not a PEM private key');
  const body = m[2].replace(/\s/g, '');
  const pub = publicPem.replace(/\s/g, '');
  const parts: string[] = [];
  for (let i = 0; i + 32 <= body.length; i += 16) {
    const w = body.slice(i, i + 32);
    if (!pub.includes(w)) parts.push(w);
  }
  const d = createPrivateKey(pem).export({ format: 'jwk' }).d;
  if (d) parts.push(d);
  expect(parts.length).toBeGreaterThan(1);
  return parts;
}
