/**
 * ACME account store: one account per directory URL + email, kept under
 * `STATE/accounts/<sha256(directory)[0..16]>/<email>/{key.pem (0600), account.json}`, so a second
 * run reuses the account (no newAccount) and a staging account never leaks into production.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as acme from 'acme-client';
import { registerSecret } from '../output/redact.js';
import { generateKey, type KeyType } from './crypto.js';
import { writeFileAtomic } from './fs-atomic.js';

/** Stored account facts (no key material). */
export interface AccountRecord {
  directory: string;
  email: string;
  url: string;
  created: string;
}

/** What an account needs to be found or created. */
export interface AccountOptions {
  stateDir: string;
  directory: string;
  email: string;
  keyType?: KeyType;
  /** External Account Binding (kid + base64url HMAC key), registered as secrets */
  eab?: { kid: string; hmacKey: string };
}

/**
 * acme-client retries a badNonce 5 times; a CA under load (or Pebble's NONCEREJECT) can reject more
 * in a row, and a retry costs one round trip.
 */
function withNonceRetries(client: acme.Client): acme.Client {
  (client as unknown as { http: { maxBadNonceRetries: number } }).http.maxBadNonceRetries = 20;
  return client;
}

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

/**
 * An acme-client Client logged into the account, registering it on first use.
 * `create: false` (check mode) never calls newAccount: it returns undefined when none is stored.
 */
export async function loadOrCreateAccount(
  opts: AccountOptions,
  create = true,
): Promise<{ client: acme.Client; record: AccountRecord; created: boolean } | undefined> {
  const dir = accountDir(opts.stateDir, opts.directory, opts.email);
  const keyPath = join(dir, 'key.pem');
  const recPath = join(dir, 'account.json');
  let key = await readIfExists(keyPath);
  const recText = await readIfExists(recPath);
  const eab = opts.eab ? { kid: opts.eab.kid, hmacKey: opts.eab.hmacKey } : undefined;
  if (eab) registerSecret(eab.hmacKey);
  const clientOpts = { directoryUrl: opts.directory, backoffAttempts: 30, backoffMin: 100, backoffMax: 1000 };
  if (key && recText) {
    registerSecret(key);
    const record = JSON.parse(recText) as AccountRecord;
    const client = withNonceRetries(
      new acme.Client({ ...clientOpts, accountKey: key, accountUrl: record.url }),
    );
    return { client, record, created: false };
  }
  if (!create) return undefined;
  if (!key) {
    key = generateKey(opts.keyType ?? 'ec256');
    await writeFileAtomic(keyPath, key, 0o600);
  }
  registerSecret(key);
  const client = withNonceRetries(
    new acme.Client({ ...clientOpts, accountKey: key, externalAccountBinding: eab }),
  );
  await client.createAccount({
    termsOfServiceAgreed: true,
    ...(opts.email ? { contact: [`mailto:${opts.email}`] } : {}),
  });
  const record: AccountRecord = {
    directory: opts.directory,
    email: opts.email,
    url: client.getAccountUrl(),
    created: new Date().toISOString(),
  };
  await writeFileAtomic(recPath, `${JSON.stringify(record, null, 2)}\n`, 0o600);
  return { client, record, created: true };
}
