/**
 * Revoke a stored certificate with the account that issued it (RFC 8555 §7.6) and mark it revoked
 * in meta.json, so the next run issues a new one instead of keeping a revoked certificate.
 */
import { readFile } from 'node:fs/promises';
import { ModuleError } from '../errors.js';
import { loadOrCreateAccount } from './account.js';
import { trustDirectory, withAcmeContext, type AcmeCallContext } from './http.js';
import { acmeFailure } from './problem.js';
import type { CertMeta, StateStore } from '../store/types.js';

/** Revocation reasons of RFC 5280 §5.3.1 users may name. */
export const REVOKE_REASONS: Record<string, number> = {
  unspecified: 0,
  keyCompromise: 1,
  superseded: 4,
  cessationOfOperation: 5,
};

/** Revoke certificate `name` from the store at `stateDir`. */
export async function revokeStored(
  state: StateStore,
  name: string,
  opts: { reason?: string; log?: (l: string) => void } = {},
): Promise<CertMeta> {
  const store = state.certs;
  const lock = await store.lock(name);
  try {
    const meta = await store.readMeta(name);
    if (!meta) throw new ModuleError(`certs revoke: no certificate named "${name}" in ${state.location}`);
    const ctx: AcmeCallContext = { maxRetryAfterSec: 60, log: opts.log ?? (() => {}), requests: [] };
    await withAcmeContext(ctx, async () => {
      try {
        if (meta.ca_bundle) await trustDirectory(meta.directory, await readFile(meta.ca_bundle, 'utf8'));
        const account = await loadOrCreateAccount(
          { store: state, directory: meta.directory, email: meta.email ?? '' },
          false,
        );
        if (!account)
          throw new ModuleError(
            `certs revoke: no stored account for ${meta.email ?? '(no email)'} at ${meta.directory}`,
          );
        const { cert } = await store.readLive(name);
        await account.client.revokeCertificate(cert, {
          reason: REVOKE_REASONS[opts.reason ?? 'unspecified'] ?? 0,
        });
      } catch (err) {
        throw acmeFailure(err, 'revoke', meta.domains, ctx.lastProblem);
      }
    });
    meta.revoked_at = new Date().toISOString();
    await store.writeMeta(name, meta);
    return meta;
  } finally {
    await lock.release();
  }
}
