/**
 * The ACME account of a directory URL + email, from the state store (one per pair, so a second run
 * reuses the account — no newAccount — and a staging account never leaks into production).
 */
import * as acme from 'acme-client';
import { registerSecret } from '../output/redact.js';
import type { AccountRecord, StateStore } from '../store/types.js';
import { generateKey, type KeyType } from './crypto.js';

/** What an account needs to be found or created. */
export interface AccountOptions {
  store: StateStore;
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

/**
 * An acme-client Client logged into the account, registering it on first use.
 * `create: false` (check mode) never calls newAccount: it returns undefined when none is stored.
 */
export async function loadOrCreateAccount(
  opts: AccountOptions,
  create = true,
): Promise<{ client: acme.Client; record: AccountRecord; created: boolean } | undefined> {
  const accounts = opts.store.accounts;
  const stored = await accounts.read(opts.directory, opts.email);
  let key = stored.key;
  const eab = opts.eab ? { kid: opts.eab.kid, hmacKey: opts.eab.hmacKey } : undefined;
  if (eab) registerSecret(eab.hmacKey);
  const clientOpts = { directoryUrl: opts.directory, backoffAttempts: 30, backoffMin: 100, backoffMax: 1000 };
  if (key && stored.record) {
    registerSecret(key);
    const record = stored.record;
    const client = withNonceRetries(
      new acme.Client({ ...clientOpts, accountKey: key, accountUrl: record.url }),
    );
    return { client, record, created: false };
  }
  if (!create) return undefined;
  if (!key) {
    key = generateKey(opts.keyType ?? 'ec256');
    await accounts.writeKey(opts.directory, opts.email, key);
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
  await accounts.writeRecord(record);
  return { client, record, created: true };
}
