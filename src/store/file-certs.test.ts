import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockError } from '../errors.js';
import { selfSignedFiles } from '../../test/lab/pki.js';
import { certFacts } from '../acme/crypto.js';
import { FileCertificateStore as CertStore } from './file-certs.js';
import type { CertFiles } from './types.js';

const tmp = mkdtempSync(join(tmpdir(), `certfleet-store-${process.pid}-`));
const here = fileURLToPath(new URL('.', import.meta.url));

function selfSigned(cn: string): CertFiles {
  const key = join(tmp, `${cn}.key`);
  const crt = join(tmp, `${cn}.crt`);
  selfSignedFiles({ keyFile: key, certFile: crt, cn, names: [cn] });
  const cert = readFileSync(crt, 'utf8');
  return { cert, chain: '', fullchain: cert, privkey: readFileSync(key, 'utf8') };
}
function metaOf(files: CertFiles) {
  const f = certFacts(files.cert);
  return {
    name: 'site',
    domains: f.domains,
    serial: f.serial,
    not_before: f.notBefore,
    not_after: f.notAfter,
    key_type: f.keyType,
    issuer: f.issuer,
    directory: 'https://ca.invalid/dir',
    issued_at: new Date().toISOString(),
  };
}

let v1: CertFiles;
let v2: CertFiles;
beforeAll(() => {
  v1 = selfSigned('one.example.test');
  v2 = selfSigned('two.example.test');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('CertStore', () => {
  it('writes live files, archive versions and meta; privkey 0600', async () => {
    const store = new CertStore(join(tmp, 'a'));
    await store.save('site', v1, metaOf(v1));
    const m = await store.save('site', v2, metaOf(v2));
    expect(m.version).toBe(2);
    const p = store.livePaths('site');
    expect(readFileSync(p.cert, 'utf8')).toBe(v2.cert);
    expect(statSync(p.privkey).mode & 0o777).toBe(0o600);
    expect(statSync(p.cert).isFile()).toBe(true);
    expect(readFileSync(join(tmp, 'a/certs/site/archive/1/cert.pem'), 'utf8')).toBe(v1.cert);
    expect((await store.readMeta('site'))?.serial).toBe(metaOf(v2).serial);
    expect(await store.names()).toEqual(['site']);
  });

  it('rejects names that are not plain directory names', () => {
    expect(() => new CertStore(tmp).dir('../x')).toThrow(/certificate name "..\/x"/);
  });

  it('keeps the previous live certificate when killed (SIGKILL) at any step of a save', async () => {
    for (const step of ['archive-written', 'live-staged', 'live-moved-away', 'live-swapped']) {
      const dir = join(tmp, `crash-${step}`);
      const store = new CertStore(dir);
      await store.save('site', v1, metaOf(v1));
      writeFileSync(join(tmp, 'v2.json'), JSON.stringify({ files: v2, meta: metaOf(v2) }));
      const script = join(tmp, 'child.mts');
      writeFileSync(
        script,
        `
        import { readFileSync } from 'node:fs';
        import { FileCertificateStore as CertStore } from ${JSON.stringify(join(here, 'file-certs.ts'))};
        const { files, meta } = JSON.parse(readFileSync(${JSON.stringify(join(tmp, 'v2.json'))}, 'utf8'));
        await new CertStore(${JSON.stringify(dir)}).save('site', files, meta, (s) => {
          if (s === ${JSON.stringify(step)}) process.kill(process.pid, 'SIGKILL');
        });`,
      );
      const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
        encoding: 'utf8',
        cwd: join(here, '../..'),
      });
      expect(r.signal, `${step}: ${r.stderr}`).toBe('SIGKILL');
      // before any repair: a reader still finds a complete certificate + key pair (live or .live.prev)
      const live = existsSync(join(dir, 'certs/site/live')) ? 'live' : '.live.prev';
      const cert = readFileSync(join(dir, 'certs/site', live, 'cert.pem'), 'utf8');
      expect([v1.cert, v2.cert]).toContain(cert);
      await store.recover('site');
      const p = store.livePaths('site');
      const now = readFileSync(p.cert, 'utf8');
      const meta = await store.readMeta('site');
      expect(meta?.serial, step).toBe(certFacts(now).serial);
      expect(readFileSync(p.privkey, 'utf8')).toBe(now === v1.cert ? v1.privkey : v2.privkey);
      // and the next save still works
      const m = await store.save('site', v2, metaOf(v2));
      expect(readFileSync(p.cert, 'utf8')).toBe(v2.cert);
      expect(m.version).toBeGreaterThan(1);
    }
  }, 30000);

  it('lets one run hold a certificate lock; a lock of a dead process is taken over', async () => {
    const store = new CertStore(join(tmp, 'lock'));
    const held = await store.lock('site');
    const err = await store.lock('site').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockError);
    expect((err as LockError).message).toContain(`locked by pid ${process.pid}`);
    expect((err as LockError).exitCode).toBe(6);
    await held.release();
    const dead = spawnSync('true').pid;
    writeFileSync(
      join(tmp, 'lock/certs/site/.lock'),
      `${dead} ${(await import('node:os')).hostname()} 2026-01-01T00:00:00Z\n`,
    );
    const again = await store.lock('site');
    expect(readFileSync(again.path, 'utf8')).toContain(String(process.pid));
    await again.release();
  });
});
