/**
 * "Make sure this certificate exists and is not due": read the store, ask ARI when the CA offers
 * it, decide (renewal.ts), and only then lock, order, and save. Shared by the `acme_certificate`
 * module and `certfleet certs renew`. Check mode decides from the store and the (read-only) ARI
 * window and calls no state-changing endpoint.
 */
import * as acme from 'acme-client';
import { loadOrCreateAccount } from './account.js';
import { fetchRenewalInfo } from './ari.js';
import { issueCertificate, type ChallengeRunner } from './client.js';
import { certFacts, type KeyType } from './crypto.js';
import { trustDirectory, withAcmeContext, type AcmeCallContext } from './http.js';
import { acmeFailure } from './problem.js';
import { decide, type AriWindow, type RenewalDecision } from './renewal.js';
import type { CertFiles, CertMeta, SaveStep, StateStore } from '../store/types.js';

/** Directory aliases users may write instead of a URL. */
export const DIRECTORY_ALIASES: Record<string, string> = {
  letsencrypt: 'https://acme-v02.api.letsencrypt.org/directory',
  'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
};

/** Everything ensureCertificate needs. */
export interface EnsureOptions {
  store: StateStore;
  name: string;
  domains: string[];
  directory: string;
  email: string;
  accountKeyType?: KeyType;
  keyType: KeyType;
  profile?: string;
  eab?: { kid: string; hmacKey: string };
  preferredChain?: string;
  renew?: { ari?: boolean; fraction?: number; force?: boolean };
  check: boolean;
  /** PEM to trust for the ACME server (labs) */
  caBundlePem?: string;
  /** where that PEM came from (saved in meta for `certs renew`) */
  caBundleFile?: string;
  /** dns settings without secrets, saved in meta for `certs renew` */
  dnsMeta?: Record<string, unknown>;
  runChallenges: ChallengeRunner;
  log?: (line: string) => void;
  maxRetryAfterSec?: number;
  now?: () => Date;
  /** crash tests only */
  onSaveStep?: (s: SaveStep) => void;
}

/** The outcome, as the module reports it. */
export interface EnsureResult extends RenewalDecision {
  changed: boolean;
  meta?: CertMeta;
  paths: CertFiles;
  /** ACME requests made (method, url, status) */
  requests: AcmeCallContext['requests'];
}

/** Resolve `letsencrypt` / `letsencrypt-staging` to URLs. */
export function resolveDirectory(d: string): string {
  return DIRECTORY_ALIASES[d] ?? d;
}

async function ariWindow(opts: EnsureOptions, meta: CertMeta, now: Date, log: (l: string) => void) {
  const stored = meta.ari;
  if (opts.renew?.ari === false || !stored?.cert_id) return undefined;
  if (stored.window && stored.retry_after && Date.parse(stored.retry_after) > now.getTime()) {
    return { window: { start: stored.window.start, end: stored.window.end } as AriWindow, fresh: undefined };
  }
  try {
    const dir = (await acme.axios.request({ url: opts.directory, method: 'get', validateStatus: null }))
      .data as {
      renewalInfo?: string;
    };
    if (!dir?.renewalInfo) return undefined;
    const fresh = await fetchRenewalInfo(dir.renewalInfo, stored.cert_id, now);
    return {
      window: { start: fresh.start, end: fresh.end, explanationUrl: fresh.explanationUrl } as AriWindow,
      fresh,
    };
  } catch (err) {
    log(`[WARNING]: renewal info unavailable (${(err as Error).message}); using the lifetime rule`);
    return stored.window ? { window: stored.window as AriWindow, fresh: undefined } : undefined;
  }
}

/** Decide and, unless in check mode or not due, issue and store the certificate. */
export async function ensureCertificate(opts: EnsureOptions): Promise<EnsureResult> {
  const log = opts.log ?? (() => {});
  const now = opts.now ?? (() => new Date());
  const store = opts.store.certs;
  const paths = store.livePaths(opts.name);
  const ctx: AcmeCallContext = { maxRetryAfterSec: opts.maxRetryAfterSec ?? 60, log, requests: [] };
  return withAcmeContext(ctx, async () => {
    if (opts.caBundlePem) {
      await trustDirectory(opts.directory, opts.caBundlePem).catch((err: unknown) => {
        throw acmeFailure(err, 'directory', opts.domains, ctx.lastProblem);
      });
    }
    const decideFrom = async (meta: CertMeta | undefined) => {
      const ari = meta ? await ariWindow(opts, meta, now(), log) : undefined;
      const decision = decide({
        meta,
        domains: opts.domains,
        keyType: opts.keyType,
        now: now(),
        ari: ari?.window,
        chosen: meta?.ari?.chosen,
        fraction: opts.renew?.fraction,
        force: opts.renew?.force,
      });
      return { decision, ari };
    };
    let meta = await store.readMeta(opts.name);
    if (opts.check) {
      const { decision } = await decideFrom(meta);
      return { ...decision, changed: decision.action !== 'none', meta, paths, requests: ctx.requests };
    }
    const lock = await store.lock(opts.name);
    try {
      await store.recover(opts.name);
      meta = await store.readMeta(opts.name);
      // decided under the lock: another run may have renewed meanwhile
      const { decision, ari } = await decideFrom(meta);
      if (decision.action === 'none') {
        if (meta) {
          meta.last_check = now().toISOString();
          if (meta.ari && ari) {
            meta.ari = {
              ...meta.ari,
              window: { start: ari.window.start, end: ari.window.end },
              chosen: decision.renewAt,
            };
            if (ari.fresh) meta.ari.retry_after = ari.fresh.retryAfter;
            if (ari.window.explanationUrl) meta.ari.explanation_url = ari.window.explanationUrl;
          }
          await store.writeMeta(opts.name, meta);
        }
        return { ...decision, changed: false, meta, paths, requests: ctx.requests };
      }
      log(`${opts.name}: ${decision.action} (${decision.reason})`);
      const account = await loadOrCreateAccount({
        store: opts.store,
        directory: opts.directory,
        email: opts.email,
        keyType: opts.accountKeyType,
        eab: opts.eab,
      }).catch((err: unknown) => {
        throw acmeFailure(err, 'account', opts.domains, ctx.lastProblem);
      });
      const replaces = decision.action === 'renew' && meta?.ari?.cert_id ? meta.ari.cert_id : undefined;
      const issued = await issueCertificate(account!.client, {
        domains: opts.domains,
        keyType: opts.keyType,
        profile: opts.profile,
        preferredChain: opts.preferredChain,
        replaces,
        runChallenges: opts.runChallenges,
        log,
      });
      const f = certFacts(issued.fullchainPem);
      const saved = await store.save(
        opts.name,
        {
          cert: issued.certPem,
          chain: issued.chainPem,
          fullchain: issued.fullchainPem,
          privkey: issued.keyPem,
        },
        {
          name: opts.name,
          domains: opts.domains,
          serial: f.serial,
          not_before: f.notBefore,
          not_after: f.notAfter,
          key_type: f.keyType,
          issuer: f.issuer,
          directory: opts.directory,
          email: opts.email,
          profile: opts.profile,
          issued_at: now().toISOString(),
          last_check: now().toISOString(),
          ...(f.ariCertId ? { ari: { cert_id: f.ariCertId } } : {}),
          dns: opts.dnsMeta,
          renew: { ari: opts.renew?.ari, fraction: opts.renew?.fraction },
          ca_bundle: opts.caBundleFile,
          preferred_chain: opts.preferredChain,
          account_key_type: opts.accountKeyType,
        },
        opts.onSaveStep,
      );
      return { ...decision, changed: true, meta: saved, paths, requests: ctx.requests };
    } finally {
      await lock.release();
    }
  });
}
