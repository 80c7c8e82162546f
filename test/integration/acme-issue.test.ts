// acme_certificate against a real Pebble validating DNS-01 through a real bind9 (rfc2136 + TSIG).
import { dnsJournal } from '../../src/dns/journal.js';
import { openStore } from '../../src/store/file-store.js';
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCertificate } from '../../src/acme/ensure.js';
import { dnsOptionsFrom } from '../../src/acme/dns-params.js';
import { createProvider, withDnsChallenges } from '../../src/dns/dns01.js';
import { spawnSync } from 'node:child_process';
import { forgetOrigin } from '../../src/acme/http.js';
import { httpsGet, startPebble } from '../lab/pebble.js';
import { keyMatchesCert, splitPem } from '../../src/acme/crypto.js';
import { AcmeProblemError, DnsProviderError, LockError, messageOf } from '../../src/errors.js';
import { acmeCertificateModule as mod } from '../../src/modules/acme_certificate.js';
import { redact } from '../../src/output/redact.js';
import { countRequests, labParams, moduleContext, startAcmeLab, type AcmeLab } from './acme-lab.js';

let lab: AcmeLab;
const logs: string[] = [];
beforeAll(async () => {
  lab = await startAcmeLab();
});
afterAll(async () => {
  await lab?.stop();
});

function run(extra: Parameters<typeof labParams>[1] = {}, check = false) {
  const warnings: string[] = [];
  return mod
    .run(moduleContext(labParams(lab, extra), { check, playbookDir: lab.dir, warnings }))
    .then((r) => {
      logs.push(JSON.stringify(r), ...warnings);
      return r;
    });
}

/** Verify leaf → intermediates → Pebble's root (fetched from /roots/0) by signature and names. */
function chainsTo(fullchain: string, rootPem: string): boolean {
  const certs = [...splitPem(fullchain), rootPem].map((p) => new X509Certificate(p));
  for (let i = 0; i + 1 < certs.length; i++) {
    if (!certs[i].checkIssued(certs[i + 1]) || !certs[i].verify(certs[i + 1].publicKey)) return false;
  }
  const root = certs[certs.length - 1];
  return root.verify(root.publicKey);
}

describe('acme_certificate (Pebble + bind9, real DNS-01)', () => {
  it('issues one wildcard + apex certificate in one order, cleans the TXT records, stores it', async () => {
    const req = countRequests();
    try {
      const r = await run();
      expect(r.changed).toBe(true);
      expect(r.data).toMatchObject({ action: 'issue', reason: 'no certificate', name: 'wild' });
      expect(req.count('/order-plz')).toBe(1);
    } finally {
      req.stop();
    }
    const store = openStore(join(lab.dir, 'state')).certs;
    const paths = store.livePaths('wild');
    const cert = new X509Certificate(readFileSync(paths.cert));
    expect(cert.subjectAltName?.split(', ').sort()).toEqual(['DNS:*.example.test', 'DNS:example.test']);
    expect(chainsTo(readFileSync(paths.fullchain, 'utf8'), await lab.pebble.rootPem())).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(statSync(paths.privkey).mode & 0o777).toBe(0o600);
    expect(statSync(join(lab.dir, 'state')).mode & 0o777).toBe(0o700);
    expect(keyMatchesCert(readFileSync(paths.privkey, 'utf8'), readFileSync(paths.cert, 'utf8'))).toBe(true);
    expect(await lab.bind.txt('_acme-challenge.example.test.')).toEqual([]);
  });

  it('is idempotent: the second run orders nothing', async () => {
    const req = countRequests();
    try {
      const r = await run();
      expect(r.changed).toBe(false);
      expect(r.msg).toMatch(/^wild: up to date \(\d+ of \d+ days left \(renew at 1\/3\)\)$/);
      expect(req.count('/order-plz')).toBe(0);
      expect(req.count('/sign-me-up')).toBe(0);
    } finally {
      req.stop();
    }
  });

  it('check mode reports what it would do and calls no ACME endpoint, writes nothing', async () => {
    const req = countRequests();
    try {
      const r = await run({ name: 'fresh', domains: ['fresh.example.org'] }, true);
      expect(r).toMatchObject({ changed: true, msg: 'fresh: would issue (no certificate)' });
      const k = await run({ key_type: 'rsa2048' }, true);
      expect(k.msg).toBe('wild: would renew (key type changed ec256→rsa2048)');
      expect(req.paths.filter((p) => p.startsWith('POST'))).toEqual([]);
      expect(existsSync(join(lab.dir, 'state/certs/fresh'))).toBe(false);
    } finally {
      req.stop();
    }
  });

  it('renews on a key type change (rsa2048) and keeps the previous version in the archive', async () => {
    const r = await run({ key_type: 'rsa2048' });
    expect(r.data).toMatchObject({
      action: 'renew',
      reason: 'key type changed ec256→rsa2048',
      changed: true,
    });
    const store = openStore(join(lab.dir, 'state')).certs;
    const cert = new X509Certificate(readFileSync(store.livePaths('wild').cert));
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(readdirSync(join(lab.dir, 'state/certs/wild/archive')).sort()).toEqual(['1', '2']);
    expect((await store.readMeta('wild'))?.serial).toBe(cert.serialNumber.toLowerCase());
  });

  it('renews by lifetime when 1/3 of it is left (not_after moved in meta)', async () => {
    const metaPath = join(lab.dir, 'state/certs/wild/meta.json');
    const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
    const now = Date.now();
    meta.not_before = new Date(now - 80 * 86_400_000).toISOString();
    meta.not_after = new Date(now + 10 * 86_400_000).toISOString();
    writeFileSync(metaPath, JSON.stringify(meta));
    const check = await run({ key_type: 'rsa2048' }, true);
    expect(check.msg).toMatch(/^wild: would renew \((9\.\d|10) of 90 days left \(renew at 1\/3\)\)$/);
    const r = await run({ key_type: 'rsa2048' });
    expect(r.data).toMatchObject({ action: 'renew', changed: true });
    expect((await run({ key_type: 'rsa2048' })).changed).toBe(false);
  });

  it('a domain outside the served zones fails clearly and leaves no TXT record behind', async () => {
    const err = await run({ name: 'bad', domains: ['ok.example.org', 'www.not-served.example'] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DnsProviderError);
    expect(messageOf(err)).toMatch(/not-served\.example/);
    expect(await lab.bind.txt('_acme-challenge.ok.example.org.')).toEqual([]);
    expect(existsSync(join(lab.dir, 'state/certs/bad/live'))).toBe(false);
  });

  it('a failed validation reports the CA problem (type, identifier, stage) and leaves no TXT record', async () => {
    // present a wrong value through the real DNS core: Pebble looks it up in bind9 and refuses it
    const p = labParams(lab, { name: 'wrong', domains: ['wrong.example.org'] });
    const dnsOpts = dnsOptionsFrom(p.dns);
    const err = await ensureCertificate({
      store: openStore(p.state_dir!),
      name: 'wrong',
      domains: p.domains,
      directory: p.directory,
      email: 'ops@example.test',
      keyType: 'ec256',
      check: false,
      caBundlePem: lab.pebble.caCertPem,
      runChallenges: (items, fn) =>
        withDnsChallenges(
          items.map((i) => ({ ...i, value: 'not-the-key-authorization' })),
          dnsOpts,
          fn,
        ),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AcmeProblemError);
    const e = err as AcmeProblemError;
    expect(e.type).toBe('urn:ietf:params:acme:error:unauthorized');
    expect(e.message).toMatch(
      /^acme: order for wrong\.example\.org: challenge dns-01 failed: urn:ietf:params:acme:error:unauthorized: .+/,
    );
    expect(e.exitCode).toBe(5);
    expect(e.hint).toMatch(/did not see the TXT record/);
    expect(await lab.bind.txt('_acme-challenge.wrong.example.org.')).toEqual([]);
    expect(existsSync(join(p.state_dir!, 'certs/wrong/live'))).toBe(false);
  });

  it('removes TXT records a crashed earlier run left behind (from the journal) before ordering', async () => {
    const p = labParams(lab, { name: 'after-crash', domains: ['crash.example.org'] });
    const left = {
      domain: 'crash.example.org',
      fqdn: '_acme-challenge.crash.example.org.',
      zone: 'example.org.',
      value: 'left-by-a-crash',
    };
    await createProvider('rfc2136', dnsOptionsFrom(p.dns).config).present(left, AbortSignal.timeout(5000));
    const dead = spawnSync('true').pid!;
    await dnsJournal(openStore(p.state_dir!)).add([
      { ...left, provider: 'rfc2136', run: 'crashed', pid: dead, addedAt: new Date().toISOString() },
    ]);
    expect(await lab.bind.txt(left.fqdn)).toEqual(['left-by-a-crash']);
    const r = await run({ name: 'after-crash', domains: ['crash.example.org'] });
    expect(r.changed).toBe(true);
    expect(await lab.bind.txt(left.fqdn)).toEqual([]);
  });

  it('an unsupported profile fails listing what the directory offers, before any order', async () => {
    const err = await run({ name: 'prof', domains: ['p.example.org'], profile: 'shortlived' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AcmeProblemError);
    expect((err as Error).message).toBe(
      'acme: order for p.example.org: profile "shortlived" is not offered by the directory (it advertises no profiles)',
    );
  });

  it('a run finding the certificate locked fails with LockError (exit 6) naming the holder, and orders nothing', async () => {
    const held = await openStore(join(lab.dir, 'state')).certs.lock('wild');
    const req = countRequests();
    try {
      const err = await run({ key_type: 'rsa2048', renew: { force: true } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LockError);
      expect((err as LockError).exitCode).toBe(6);
      expect((err as LockError).message).toMatch(
        new RegExp(`^certificate "wild" is locked by pid ${process.pid} on `),
      );
      expect(req.count('/order-plz')).toBe(0);
    } finally {
      req.stop();
      await held.release();
    }
  });

  it('two runs at once: the second, started while the first holds the lock, gets LockError; one order', async () => {
    const req = countRequests();
    try {
      const first = run({ key_type: 'rsa2048', renew: { force: true } });
      const lockFile = join(lab.dir, 'state/certs/wild/.lock');
      // start the second only once the first holds the lock AND has its order open (it then still has
      // DNS-01, validation and finalization ahead): checking the lock file alone raced a fast first run
      while (!existsSync(lockFile) || req.count('/order-plz') < 1) await new Promise((r) => setTimeout(r, 2));
      const second = await run({ key_type: 'rsa2048', renew: { force: true } }).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(LockError);
      expect((await first).changed).toBe(true);
      expect(req.count('/order-plz')).toBe(1);
    } finally {
      req.stop();
    }
  });

  it('never shows the private key or the TSIG secret in results, warnings or errors', () => {
    const privkey = readFileSync(openStore(join(lab.dir, 'state')).certs.livePaths('wild').privkey, 'utf8');
    const all = logs.join('\n');
    expect(all).not.toContain(lab.bind.tsig.secret);
    expect(all).not.toContain(privkey.split('\n')[1]);
    expect(redact(`x ${lab.bind.tsig.secret} y`)).toBe('x ******** y');
    const meta = readFileSync(join(lab.dir, 'state/certs/wild/meta.json'), 'utf8');
    expect(meta).not.toContain(lab.bind.tsig.secret);
    expect(JSON.parse(meta).dns).toMatchObject({ provider: 'rfc2136', tsig_key_name: lab.bind.tsig.name });
  });
});

describe('External Account Binding (Pebble requiring EAB)', () => {
  const kid = 'kid-certfleet';
  const hmac = Buffer.from('certfleet-lab-eab-mac-key-0123456789abcdef').toString('base64url');
  let eabPebble: Awaited<ReturnType<typeof startPebble>>;
  beforeAll(async () => {
    eabPebble = await startPebble({ dnsServer: `127.0.0.1:${lab.bind.port}`, eabKeys: { [kid]: hmac } });
  });
  afterAll(async () => {
    forgetOrigin(eabPebble.directoryUrl);
    await eabPebble?.stop();
  });

  it('registers with eab {kid, hmac_key} and issues; without it the CA problem names the fix', async () => {
    const base = {
      name: 'eab',
      domains: ['eab.example.org'],
      directory: eabPebble.directoryUrl,
      ca_bundle: eabPebble.caCertFile,
    };
    const missing = await run({ ...base, email: 'no-eab@example.test' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(AcmeProblemError);
    expect((missing as AcmeProblemError).message).toMatch(
      /^acme: order for eab\.example\.org: account failed: urn:ietf:params:acme:error:externalAccountRequired/,
    );
    expect((missing as AcmeProblemError).hint).toMatch(/eab\.kid and eab\.hmac_key/);
    const r = await run({ ...base, eab: { kid, hmac_key: hmac } });
    expect(r.data).toMatchObject({ action: 'issue', changed: true });
    expect(JSON.stringify(r)).not.toContain(hmac);
    expect(redact(`key ${hmac}`)).toBe('key ********');
  });
});

describe('preferred_chain (Pebble with an alternate root)', () => {
  let alt: Awaited<ReturnType<typeof startPebble>>;
  beforeAll(async () => {
    alt = await startPebble({
      dnsServer: `127.0.0.1:${lab.bind.port}`,
      env: { PEBBLE_ALTERNATE_ROOTS: '1' },
    });
  });
  afterAll(async () => {
    forgetOrigin(alt.directoryUrl);
    await alt?.stop();
  });

  it('downloads the chain that ends at the root named by issuer CN', async () => {
    const roots = await Promise.all(
      [0, 1].map((i) => httpsGet(`${alt.managementUrl}/roots/${i}`, alt.agent)),
    );
    const cn = (pem: string) => /CN=(.+)/.exec(new X509Certificate(pem).subject)![1];
    for (const [i, root] of roots.entries()) {
      const name = `chain${i}`;
      const r = await run({
        name,
        domains: [`${name}.example.org`],
        directory: alt.directoryUrl,
        ca_bundle: alt.caCertFile,
        preferred_chain: cn(root),
      });
      expect(r.data).toMatchObject({ action: 'issue' });
      const fullchain = readFileSync(
        openStore(join(lab.dir, 'state')).certs.livePaths(name).fullchain,
        'utf8',
      );
      expect(chainsTo(fullchain, root)).toBe(true);
      expect(chainsTo(fullchain, roots[1 - i])).toBe(false);
    }
  });
});
