/**
 * ACME accounts in the file store: one per directory URL + email, under
 * `STATE/accounts/<sha256(directory)[0..16]>/<email>/{key.pem (0600), account.json}`, so a second
 * run reuses the account (no newAccount) and a staging account never leaks into production.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './fs-atomic.js';
import type { AccountRecord, AccountStore } from './types.js';

/** Directory of the account for that directory URL and email. */
export function accountDir(stateDir: string, directory: string, email: string): string {
  const hash = createHash('sha256').update(directory).digest('hex').slice(0, 16);
  const safeEmail = (email || 'no-email').replace(/[^A-Za-z0-9@._+-]/g, '_');
  return join(stateDir, 'accounts', hash, safeEmail);
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The file store's accounts. */
export class FileAccountStore implements AccountStore {
  constructor(readonly stateDir: string) {}

  async read(directory: string, email: string): Promise<{ key?: string; record?: AccountRecord }> {
    const dir = accountDir(this.stateDir, directory, email);
    const [key, rec] = await Promise.all([
      readIfExists(join(dir, 'key.pem')),
      readIfExists(join(dir, 'account.json')),
    ]);
    return { key, record: rec ? (JSON.parse(rec) as AccountRecord) : undefined };
  }

  async writeKey(directory: string, email: string, keyPem: string): Promise<void> {
    await writeFileAtomic(join(accountDir(this.stateDir, directory, email), 'key.pem'), keyPem, 0o600);
  }

  async writeRecord(record: AccountRecord): Promise<void> {
    const dir = accountDir(this.stateDir, record.directory, record.email);
    await writeFileAtomic(join(dir, 'account.json'), `${JSON.stringify(record, null, 2)}\n`, 0o600);
  }
}
