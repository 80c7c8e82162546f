/**
 * The DNS-01 core [lego challenge/dns01]: for each (domain, value) find where the TXT record goes
 * (CNAME follow + SOA walk), add every value first, wait ONCE until every authoritative nameserver
 * serves all of them, run the caller's step (ACME validation), then remove exactly what was added,
 * in `finally`, journaled so a crashed run can be cleaned up later.
 */
import { randomBytes } from 'node:crypto';
import { DnsProviderError, messageOf } from '../errors.js';
import { redact } from '../output/redact.js';
import type { Journal } from '../store/types.js';
import { processAlive, type JournalEntry, type JournalKey } from './journal.js';
import { waitForPropagation, type Expectation } from './propagation.js';
import type { DnsChallenge, DnsProvider } from './provider.js';
import type { ConfigOrigin } from './config.js';
import { createProvider as create, providerDef } from './registry.js';
import { canonical, systemNameservers } from './resolver.js';
import { authoritativeServers, findZone, followCname, type LookupOptions } from './zone.js';

/** How to reach DNS and the provider (see the piece's contract with the ACME layer). */
export interface Dns01Options {
  /** registry code: rfc2136 (alias nsupdate), ovh, route53, exec */
  provider: string;
  /** provider config (validated by the provider's JSON schema; env vars <CODE>_<KEY> fill gaps) */
  config: Record<string, unknown>;
  /** "ip:port" resolvers for the SOA walk / CNAME lookup (default: system resolv.conf) */
  nameservers?: string[];
  /** port used to query each authoritative NS for propagation (default 53) */
  authoritativePort?: number;
  /** NS name → "ip:port" (split horizon / labs) */
  authoritativeOverride?: Record<string, string>;
  propagationTimeoutMs?: number;
  propagationIntervalMs?: number;
  /** the cleanup journal (in the state store); no journal when omitted */
  journal?: Journal<JournalEntry, JournalKey>;
  signal?: AbortSignal;
  log?: (msg: string) => void;
  /** where `config` came from (playbook root + path), so config errors show file:line:col */
  configOrigin?: ConfigOrigin;
}

/** A ready provider for a code; unknown code → ConfigError listing the known ones. */
export function createProvider(code: string, config: Record<string, unknown>): DnsProvider {
  return create(code, config);
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_INTERVAL_MS = 2_000;
/** Cleanup gets its own time budget: it must run even when the caller's signal was aborted. */
const CLEANUP_TIMEOUT_MS = 30_000;
/** Runs of this process still between present and cleanup: cleanupJournal leaves their values. */
const activeRuns = new Set<string>();

function lookupOptions(opts: Dns01Options): LookupOptions {
  return {
    nameservers: opts.nameservers?.length ? opts.nameservers : systemNameservers(),
    signal: opts.signal,
  };
}

/** `_acme-challenge.<domain>.` for a domain or a wildcard (`*.example.test` shares the apex name). */
export function challengeName(domain: string): string {
  return canonical(`_acme-challenge.${domain.replace(/^\*\./, '')}`);
}

/** Resolve where each value goes: CNAME target and its zone (looked up once per name). */
export async function locateChallenges(
  items: { domain: string; value: string }[],
  opts: Dns01Options,
): Promise<DnsChallenge[]> {
  const lk = lookupOptions(opts);
  const where = new Map<string, Promise<{ fqdn: string; zone: string }>>();
  const out: DnsChallenge[] = [];
  for (const item of items) {
    const base = challengeName(item.domain);
    if (!where.has(base)) {
      where.set(
        base,
        (async () => {
          const fqdn = await followCname(base, lk);
          if (fqdn !== base) opts.log?.(`dns: ${base} is a CNAME to ${fqdn}`);
          return { fqdn, zone: await findZone(fqdn, lk) };
        })(),
      );
    }
    const { fqdn, zone } = await where.get(base)!;
    if (!out.some((c) => c.fqdn === fqdn && c.value === item.value))
      out.push({ domain: item.domain, fqdn, zone, value: item.value });
  }
  return out;
}

/** The expected values per name, with the authoritative servers of each name's zone. */
async function expectations(challenges: DnsChallenge[], opts: Dns01Options): Promise<Expectation[]> {
  const lk = lookupOptions(opts);
  const servers = new Map<string, Awaited<ReturnType<typeof authoritativeServers>>>();
  const byName = new Map<string, Expectation>();
  for (const ch of challenges) {
    if (!servers.has(ch.zone)) {
      servers.set(
        ch.zone,
        await authoritativeServers(ch.zone, {
          ...lk,
          port: opts.authoritativePort,
          override: opts.authoritativeOverride,
        }),
      );
    }
    const e = byName.get(ch.fqdn) ?? { fqdn: ch.fqdn, values: [], servers: servers.get(ch.zone)! };
    e.values.push(ch.value);
    byName.set(ch.fqdn, e);
  }
  return [...byName.values()];
}

/**
 * Remove each value; failures are logged (the journal keeps them) and returned. A failure is a
 * warning when the value was surely published; for one whose own present failed (most likely never
 * added: the same refusal), the user already has that error and the journal retries quietly.
 */
async function cleanupAll(
  provider: DnsProvider,
  code: string,
  challenges: DnsChallenge[],
  opts: Dns01Options,
  unsure: Set<DnsChallenge> = new Set(),
): Promise<string[]> {
  const signal = AbortSignal.timeout(CLEANUP_TIMEOUT_MS);
  const failures: string[] = [];
  const done: DnsChallenge[] = [];
  for (const ch of challenges) {
    try {
      await provider.cleanup(ch, signal);
      done.push(ch);
    } catch (err) {
      const msg = redact(`dns: cleanup of ${ch.fqdn} value "${ch.value}" failed: ${messageOf(err)}`);
      failures.push(msg);
      opts.log?.(
        unsure.has(ch) ? `${msg} (its present failed too; kept in the journal)` : `[WARNING]: ${msg}`,
      );
    }
  }
  if (opts.journal && done.length) await opts.journal.remove(done.map((c) => ({ ...c, provider: code })));
  return failures;
}

/**
 * Present every TXT value, wait ONCE for propagation on every authoritative NS, run fn, then clean
 * up exactly what was added (finally). Values at one name are added, never replaced (apex and
 * wildcard share `_acme-challenge.<domain>`).
 */
export async function withDnsChallenges<T>(
  items: { domain: string; value: string }[],
  opts: Dns01Options,
  fn: () => Promise<T>,
): Promise<T> {
  const def = providerDef(opts.provider);
  const provider = create(opts.provider, opts.config, { origin: opts.configOrigin });
  const signal = opts.signal ?? new AbortController().signal;
  const challenges = await locateChallenges(items, opts);
  const run = randomBytes(6).toString('hex');
  activeRuns.add(run);
  if (opts.journal) {
    const now = new Date().toISOString();
    await opts.journal.add(
      challenges.map((c): JournalEntry => ({
        ...c,
        provider: def.code,
        run,
        pid: process.pid,
        addedAt: now,
      })),
    );
  }
  const attempted: DnsChallenge[] = [];
  const presented = new Set<DnsChallenge>();
  try {
    // one at a time: API providers read-modify-write record sets (Route53 UPSERT merges values)
    for (const ch of challenges) {
      attempted.push(ch);
      signal.throwIfAborted();
      await provider.present(ch, signal);
      presented.add(ch);
      opts.log?.(`dns: ${def.code}: added TXT ${ch.fqdn} "${ch.value}" in zone ${ch.zone}`);
    }
    await waitForPropagation(await expectations(challenges, opts), {
      timeoutMs: opts.propagationTimeoutMs ?? provider.propagation?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      intervalMs: opts.propagationIntervalMs ?? provider.propagation?.intervalMs ?? DEFAULT_INTERVAL_MS,
      signal,
      log: opts.log,
    });
    return await fn();
  } finally {
    activeRuns.delete(run);
    const unsure = new Set(attempted.filter((c) => !presented.has(c)));
    await cleanupAll(provider, def.code, attempted, opts, unsure);
    // values never attempted (an earlier present failed) are not in DNS: forget them
    const never = challenges.filter((c) => !attempted.includes(c));
    if (opts.journal && never.length)
      await opts.journal.remove(never.map((c) => ({ ...c, provider: def.code })));
  }
}

/**
 * Remove records left by a crashed run, from the journal: entries of this provider whose process
 * is gone. Returns how many values were removed; failures stay in the journal and are reported.
 */
export async function cleanupJournal(
  journal: Journal<JournalEntry, JournalKey>,
  opts: Dns01Options,
): Promise<number> {
  const def = providerDef(opts.provider);
  const stale = (await journal.read()).filter(
    (e) =>
      e.provider === def.code && !activeRuns.has(e.run) && (e.pid === process.pid || !processAlive(e.pid)),
  );
  if (!stale.length) return 0;
  const provider = create(opts.provider, opts.config, { origin: opts.configOrigin });
  const failures = await cleanupAll(provider, def.code, stale, { ...opts, journal });
  if (failures.length) {
    throw new DnsProviderError(
      `dns: ${failures.length} of ${stale.length} journaled value(s) could not be removed: ${failures[0]}`,
    );
  }
  opts.log?.(`dns: removed ${stale.length} value(s) left by an earlier run`);
  return stale.length;
}
