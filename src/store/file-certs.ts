/**
 * Certificate store under `state_dir` (0700):
 *   certs/NAME/live/{cert,chain,fullchain,privkey}.pem   regular files, privkey 0600
 *   certs/NAME/archive/N/                                every version, with its meta.json
 *   certs/NAME/meta.json                                  what the renewal policy reads
 * A save writes archive/N fully, then a temp copy of live, then swaps live by rename and writes
 * meta last. Killed at any point, the previous live certificate stays usable: a missing `live` is
 * restored from `.live.prev`, and a meta that lags behind live is restored from the archive.
 */
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, ModuleError } from '../errors.js';
import { registerSecret } from '../output/redact.js';
import { describeCert, normalizeSerial } from './cert-pem.js';
import { acquireLock } from './file-lock.js';
import { syncDir, writeFileAtomic } from './fs-atomic.js';
import type { CertFiles, CertificateStore, CertMeta, HeldLock, SaveStep, StoredCert } from './types.js';

const FILES: (keyof CertFiles)[] = ['cert', 'chain', 'fullchain', 'privkey'];
const NOT_ISSUED = 'issue it first with acme_certificate (or put the PEM files in the store by hand)';

/** Certificate names become directory names (and row keys): one rule for every reader and writer. */
export function checkName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)) {
    throw new ConfigError(`certificate name "${name}" must match [A-Za-z0-9][A-Za-z0-9._-]*`);
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** The file store's certificates, under `<stateDir>/certs/`. */
export class FileCertificateStore implements CertificateStore {
  constructor(readonly stateDir: string) {}

  dir(name: string): string {
    checkName(name);
    return join(this.stateDir, 'certs', name);
  }

  /** Paths of the live files (what web servers are pointed at). */
  livePaths(name: string): CertFiles {
    const live = join(this.dir(name), 'live');
    return {
      cert: join(live, 'cert.pem'),
      chain: join(live, 'chain.pem'),
      fullchain: join(live, 'fullchain.pem'),
      privkey: join(live, 'privkey.pem'),
    };
  }

  /** Names of stored certificates. */
  async names(): Promise<string[]> {
    try {
      return (await readdir(join(this.stateDir, 'certs'))).filter((n) => !n.startsWith('.')).sort();
    } catch {
      return [];
    }
  }

  /** The stored meta, or undefined. Read-only: never repairs (that needs the lock). */
  async readMeta(name: string): Promise<CertMeta | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir(name), 'meta.json'), 'utf8')) as CertMeta;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Take the per-certificate lock (LockError when another live run holds it). */
  async lock(name: string): Promise<HeldLock> {
    await mkdir(this.dir(name), { recursive: true, mode: 0o700 });
    return acquireLock(join(this.dir(name), '.lock'), `certificate "${name}"`);
  }

  /** Finish or undo an interrupted save. Call with the lock held. */
  async recover(name: string): Promise<void> {
    const d = this.dir(name);
    const live = join(d, 'live');
    if (!(await exists(live)) && (await exists(join(d, '.live.prev'))))
      await rename(join(d, '.live.prev'), live);
    await rm(join(d, '.live.new'), { recursive: true, force: true });
    await rm(join(d, '.live.prev'), { recursive: true, force: true });
    if (!(await exists(join(live, 'cert.pem')))) return;
    const serial = describeCert(await readFile(join(live, 'cert.pem'), 'utf8')).serial;
    const meta = await this.readMeta(name);
    if (meta && normalizeSerial(meta.serial) === serial) return;
    // killed between the live swap and the meta write: the archive holds the matching meta
    for (const v of await readdir(join(d, 'archive')).catch(() => [] as string[])) {
      const m = JSON.parse(
        await readFile(join(d, 'archive', v, 'meta.json'), 'utf8').catch(() => '{}'),
      ) as CertMeta;
      if (m.serial && normalizeSerial(m.serial) === serial) {
        await writeFileAtomic(join(d, 'meta.json'), `${JSON.stringify(m, null, 2)}\n`, 0o644);
        return;
      }
    }
  }

  /** Store a new version and make it live. Call with the lock held. */
  async save(
    name: string,
    files: CertFiles,
    meta: Omit<CertMeta, 'version'>,
    onStep?: (s: SaveStep) => void,
  ): Promise<CertMeta> {
    const d = this.dir(name);
    await mkdir(join(d, 'archive'), { recursive: true, mode: 0o700 });
    await this.recover(name);
    const versions = (await readdir(join(d, 'archive'))).map(Number).filter(Number.isInteger);
    const version = Math.max(0, ...versions) + 1;
    const full: CertMeta = { ...meta, version };
    const metaText = `${JSON.stringify(full, null, 2)}\n`;
    const archive = join(d, 'archive', String(version));
    await this.writeVersion(archive, files);
    await writeFileAtomic(join(archive, 'meta.json'), metaText);
    onStep?.('archive-written');
    const staged = join(d, '.live.new');
    await rm(staged, { recursive: true, force: true });
    await this.writeVersion(staged, files);
    onStep?.('live-staged');
    const live = join(d, 'live');
    if (await exists(live)) {
      await rename(live, join(d, '.live.prev'));
      onStep?.('live-moved-away');
    }
    await rename(staged, live);
    await syncDir(d);
    onStep?.('live-swapped');
    await writeFileAtomic(join(d, 'meta.json'), metaText);
    onStep?.('meta-written');
    await rm(join(d, '.live.prev'), { recursive: true, force: true });
    return full;
  }

  /** Update meta.json only (ARI window, last check). Call with the lock held. */
  async writeMeta(name: string, meta: CertMeta): Promise<void> {
    await writeFileAtomic(join(this.dir(name), 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  }

  async readLive(name: string): Promise<StoredCert> {
    const liveDir = join(this.dir(name), 'live');
    if (!(await exists(liveDir)))
      throw new ModuleError(`certificate "${name}" is not in the store: ${liveDir} does not exist`, {
        hint: NOT_ISSUED,
      });
    const read = (f: keyof CertFiles, what: string) =>
      readFile(join(liveDir, `${f}.pem`), 'utf8').catch((err: Error) => {
        throw new ModuleError(
          `certificate "${name}": cannot read ${what} ${liveDir}/${f}.pem: ${err.message}`,
          {
            cause: err,
            hint: NOT_ISSUED,
          },
        );
      });
    const [cert, chain, fullchain, privkey] = await Promise.all([
      read('cert', 'certificate'),
      read('chain', 'chain'),
      read('fullchain', 'full chain'),
      read('privkey', 'private key'),
    ]);
    registerSecret(privkey.trim());
    let info;
    try {
      info = describeCert(cert);
    } catch (err) {
      throw new ModuleError(`certificate "${name}": ${liveDir}/cert.pem is not a PEM certificate`, {
        cause: err,
      });
    }
    return { name, liveDir, cert, chain, fullchain, privkey, ...info };
  }

  private async writeVersion(dir: string, files: CertFiles): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (const f of FILES)
      await writeFileAtomic(join(dir, `${f}.pem`), files[f], f === 'privkey' ? 0o600 : 0o644);
  }
}
