/**
 * The one way a certificate is obtained, for the `acme_certificate` module and for `certfleet certs
 * renew` alike, so the two cannot drift: secrets registered for redaction first, the directory
 * alias resolved, the CA bundle read, the DNS journal of the store replayed (records a crashed run
 * left behind go first), then ensureCertificate (store, lock, ARI, renewal decision, order, save).
 */
import { readFile } from 'node:fs/promises';
import { cleanupJournal, withDnsChallenges } from '../dns/dns01.js';
import { dnsJournal } from '../dns/journal.js';
import { providerDef } from '../dns/registry.js';
import { ConfigError, ModuleError } from '../errors.js';
import { registerSecret } from '../output/redact.js';
import type { StateStore } from '../store/types.js';
import type { KeyType } from './crypto.js';
import { dnsOptionsFrom, publicDnsSettings, type DnsParams } from './dns-params.js';
import { ensureCertificate, resolveDirectory, type EnsureResult } from './ensure.js';

/** What to obtain, from a task's parameters or from a stored certificate's meta. */
export interface CertificateRequest {
  name: string;
  domains: string[];
  /** a URL, or `letsencrypt` / `letsencrypt-staging` */
  directory: string;
  email?: string;
  keyType?: KeyType;
  accountKeyType?: KeyType;
  profile?: string;
  eab?: { kid: string; hmacKey: string };
  preferredChain?: string;
  renew?: { ari?: boolean; fraction?: number; force?: boolean };
  /** absolute path of a PEM bundle to trust for the ACME server (labs) */
  caBundleFile?: string;
  dns: DnsParams;
  /** the dns settings kept in meta (default: `dns` without its secrets) — `certs renew` keeps the stored ones */
  storedDns?: Record<string, unknown>;
  /** longest Retry-After (seconds) worth waiting on a rate limit */
  maxRetryAfterSec?: number;
}

/** How this run goes. */
export interface ObtainRun {
  check: boolean;
  signal?: AbortSignal;
  /** every line of detail (warnings start with `[WARNING]: `) */
  log: (line: string) => void;
}

/** Obtain (or keep) `req.name` in `store`. */
export async function obtainCertificate(
  store: StateStore,
  req: CertificateRequest,
  run: ObtainRun,
): Promise<EnsureResult> {
  if (req.eab) registerSecret(req.eab.hmacKey);
  // register provider secrets now: check mode never creates the provider (which would register them)
  for (const key of providerDef(req.dns.provider).secrets) registerSecret(req.dns[key]);
  const directory = resolveDirectory(req.directory);
  if (!/^https?:\/\//.test(directory))
    throw new ConfigError(
      `acme_certificate: directory "${req.directory}" is neither a URL nor letsencrypt / letsencrypt-staging`,
    );
  const file = req.caBundleFile;
  const caBundlePem = file
    ? await readFile(file, 'utf8').catch((err: Error) => {
        throw new ModuleError(`acme_certificate: cannot read ca_bundle ${file}: ${err.message}`);
      })
    : undefined;
  const journal = dnsJournal(store);
  const dnsOpts = { ...dnsOptionsFrom(req.dns, { journal, signal: run.signal }), log: run.log };
  return ensureCertificate({
    store,
    name: req.name,
    domains: req.domains,
    directory,
    email: req.email ?? '',
    accountKeyType: req.accountKeyType,
    keyType: req.keyType ?? 'ec256',
    profile: req.profile,
    eab: req.eab,
    preferredChain: req.preferredChain,
    renew: req.renew,
    check: run.check,
    caBundlePem,
    caBundleFile: file,
    dnsMeta: req.storedDns ?? publicDnsSettings(req.dns),
    maxRetryAfterSec: req.maxRetryAfterSec,
    runChallenges: async (items, fn) => {
      // records a crashed earlier run left behind (journaled in the store) go first
      await cleanupJournal(journal, dnsOpts).catch((err: Error) => run.log(`[WARNING]: ${err.message}`));
      return withDnsChallenges(items, dnsOpts, fn);
    },
    log: run.log,
  });
}
