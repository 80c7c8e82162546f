/**
 * One certificate file of a host, as the audit judges it: validity, its private key (match and
 * permissions), its chain, and whether certfleet manages it and it is the live version.
 */
import type { X509Certificate } from 'node:crypto';
import {
  certNames,
  chainProblem,
  daysLeft,
  keyMatches,
  ocspUrls,
  oneLine,
  parseCertificates,
} from './cert-analysis.js';
import { finding } from './findings.js';
import type { CertReport, Finding, HostFacts } from './types.js';

const MANAGED = /^\/etc\/ssl\/certfleet\/([^/]+)\//;

/** What a certificate's analysis needs from the host's analysis. */
export interface CertContext {
  host: string;
  facts: HostFacts;
  opts: { now: Date; warnDays: number; liveSerials?: Map<string, string> };
  add(f: Finding): void;
  leaves: Map<string, X509Certificate>;
}

function validity(c: CertContext, leaf: X509Certificate, at: { site: string; path: string }): number {
  const days = daysLeft(leaf, c.opts.now);
  const subject = oneLine(leaf.subject);
  if (new Date(leaf.validTo) <= c.opts.now)
    c.add(
      finding(
        'CERT_EXPIRED',
        c.host,
        `${at.path} (${subject}) expired on ${new Date(leaf.validTo).toISOString()}`,
        at,
      ),
    );
  else if (days < c.opts.warnDays)
    c.add(finding('CERT_EXPIRING', c.host, `${at.path} (${subject}) expires in ${days} days`, at));
  if (new Date(leaf.validFrom) > c.opts.now)
    c.add(
      finding(
        'CERT_NOT_YET_VALID',
        c.host,
        `${at.path} is valid only from ${new Date(leaf.validFrom).toISOString()}`,
        at,
      ),
    );
  return days;
}

/** Does the key belong to the certificate (null: could not be checked), and is it world-readable? */
function keyCheck(
  c: CertContext,
  leaf: X509Certificate,
  certPath: string,
  keyPath: string,
  site: string,
): boolean | null {
  const at = { site, path: keyPath };
  const pub = c.facts.pubkeys.get(keyPath);
  let matches: boolean | null = null;
  if (pub) {
    matches = keyMatches(leaf, pub);
    if (!matches)
      c.add(finding('KEY_MISMATCH', c.host, `private key ${keyPath} does not belong to ${certPath}`, at));
  } else if (c.facts.stats.get(keyPath)?.exists !== false) {
    const why = c.facts.keyErrors.get(keyPath) ?? 'no private key found in it';
    c.add(finding('KEY_UNCHECKED', c.host, `cannot check private key ${keyPath}: ${why}`, at));
  }
  const st = c.facts.stats.get(keyPath);
  if (st?.mode && (pub || c.facts.keyErrors.has(keyPath)) && (parseInt(st.mode, 8) & 0o004) !== 0)
    c.add(
      finding(
        'KEY_WORLD_READABLE',
        c.host,
        `private key ${keyPath} is mode ${st.mode.padStart(4, '0')} (world-readable)`,
        at,
      ),
    );
  return matches;
}

/**
 * Managed: delivered under /etc/ssl/certfleet/NAME/, or (copied elsewhere) the very certificate that
 * is live for NAME in the control node's store. Current: it is that live version.
 */
function managedState(
  c: CertContext,
  leaf: X509Certificate,
  at: { site: string; path: string },
): { managed?: string; current: boolean | null } {
  const live = c.opts.liveSerials;
  const byPath = MANAGED.exec(at.path)?.[1];
  const bySerial = [...(live ?? [])].find(([, serial]) => serial === leaf.serialNumber)?.[0];
  const managed = byPath ?? bySerial;
  if (!managed) {
    c.add(
      finding(
        'CERT_NOT_MANAGED',
        c.host,
        `${at.path} is not under /etc/ssl/certfleet/ (not delivered by certfleet)`,
        at,
      ),
    );
    return { managed, current: null };
  }
  if (!live?.has(managed)) return { managed, current: null };
  const current = live.get(managed) === leaf.serialNumber;
  if (!current)
    c.add(
      finding(
        'CERT_OUTDATED',
        c.host,
        `${at.path} (serial ${leaf.serialNumber}) is not the live certificate of ${managed}`,
        at,
      ),
    );
  return { managed, current };
}

/** The report of one certificate file, its findings added to the host's; undefined when unreadable. */
export function analyseCert(
  c: CertContext,
  certPath: string,
  keyPath: string,
  chainPem: string,
  site: string,
): CertReport | undefined {
  const at = { site, path: certPath };
  const chain = parseCertificates(`${c.facts.certs.get(certPath) ?? ''}\n${chainPem}`);
  if (!chain.length) {
    const why = c.facts.keyErrors.get(certPath) ?? 'no PEM certificate in it';
    c.add(finding('CERT_UNREADABLE', c.host, `${certPath}: ${why}`, at));
    return undefined;
  }
  const leaf = chain[0];
  c.leaves.set(certPath, leaf);
  const days = validity(c, leaf, at);
  const matches = keyCheck(c, leaf, certPath, keyPath, site);
  const problem = chainProblem(chain);
  if (problem) c.add(finding('CHAIN_INCOMPLETE', c.host, `${certPath}: ${problem}`, at));
  const { managed, current } = managedState(c, leaf, at);
  return {
    path: certPath,
    subject: oneLine(leaf.subject),
    sans: certNames(leaf),
    issuer: oneLine(leaf.issuer),
    serial: leaf.serialNumber,
    not_after: new Date(leaf.validTo).toISOString(),
    days_left: days,
    fingerprint_sha256: leaf.fingerprint256,
    key_path: keyPath,
    key_matches: matches,
    chain_complete: problem === undefined,
    managed_name: managed,
    current,
    ocsp_urls: ocspUrls(leaf),
  };
}
