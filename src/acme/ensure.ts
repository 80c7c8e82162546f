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

type Decided = { decision: RenewalDecision; ari?: Awaited<ReturnType<typeof ariWindow>> };

/** The renewal decision for what is stored now (ARI when the CA offers it, else the lifetime rule). */
async function decideFrom(
  opts: EnsureOptions,
  meta: CertMeta | undefined,
  now: Date,
  log: (l: string) => void,
): Promise<Decided> {
  const ari = meta ? await ariWindow(opts, meta, now, log) : undefined;
  const decision = decide({
    meta,
    domains: opts.domains,
    keyType: opts.keyType,
    now,
    ari: ari?.window,
    chosen: meta?.ari?.chosen,
    fraction: opts.renew?.fraction,
    force: opts.renew?.force,
  });
  return { decision, ari };
}

/** Not due: remember when it was checked and the fresh ARI window (the meta only). */
async function recordCheck(opts: EnsureOptions, meta: CertMeta, d: Decided, now: Date): Promise<void> {
  meta.last_check = now.toISOString();
  if (meta.ari && d.ari) {
    meta.ari = {
      ...meta.ari,
      window: { start: d.ari.window.start, end: d.ari.window.end },
      chosen: d.decision.renewAt,
    };
    if (d.ari.fresh) meta.ari.retry_after = d.ari.fresh.retryAfter;
    if (d.ari.window.explanationUrl) meta.ari.explanation_url = d.ari.window.explanationUrl;
  }
  await opts.store.certs.writeMeta(opts.name, meta);
}

/** Due: log in (or register), order with the challenges, and store the new version as live. */
async function orderAndSave(
  opts: EnsureOptions,
  meta: CertMeta | undefined,
  decision: RenewalDecision,
  ctx: AcmeCallContext,
  now: () => Date,
): Promise<CertMeta> {
  const log = ctx.log;
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
  return opts.store.certs.save(
    opts.name,
    { cert: issued.certPem, chain: issued.chainPem, fullchain: issued.fullchainPem, privkey: issued.keyPem },
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
    const done = (decision: RenewalDecision, changed: boolean, meta?: CertMeta): EnsureResult => ({
      ...decision,
      changed,
      meta,
      paths,
      requests: ctx.requests,
    });
    if (opts.check) {
      const meta = await store.readMeta(opts.name);
      const { decision } = await decideFrom(opts, meta, now(), log);
      return done(decision, decision.action !== 'none', meta);
    }
    const lock = await store.lock(opts.name);
    try {
      await store.recover(opts.name);
      const meta = await store.readMeta(opts.name);
      // decided under the lock: another run may have renewed meanwhile
      const d = await decideFrom(opts, meta, now(), log);
      if (d.decision.action === 'none') {
        if (meta) await recordCheck(opts, meta, d, now());
        return done(d.decision, false, meta);
      }
      return done(d.decision, true, await orderAndSave(opts, meta, d.decision, ctx, now));
    } finally {
      await lock.release();
    }
  });
}
