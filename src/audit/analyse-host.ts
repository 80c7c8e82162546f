/**
 * Analysis of one host's gathered facts: TLS sites, every certificate file they reference (validity,
 * names, key match, key permissions, chain, stapling, managed/current) and the handshake targets
 * for the served-certificate check. Pure: no I/O, so it is unit-tested with generated certificates.
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
import { legacyProtocols } from '../webservers/config-common.js';
import { declaredWebservers, driftFindings } from './drift.js';
import { finding } from './findings.js';
import { expandPath, siteLabel, sitesOf } from './sites.js';
import type { CertReport, Finding, HostFacts, HostReport, TlsSite } from './types.js';

/** Options of the analysis. */
export interface AnalyseOptions {
  now: Date;
  /** CERT_EXPIRING below this many days left */
  warnDays: number;
  /** serial of the control node's live certificate per managed NAME (from --state-dir) */
  liveSerials?: Map<string, string>;
}

/** A TLS handshake to make from the control node, and the leaf it should return. */
export interface ServedTarget {
  port: number;
  servername: string;
  expectedFingerprint?: string;
  site: string;
  server: TlsSite['server'];
  /** the certificate file the site is configured with */
  certPath: string;
}

const MANAGED = /^\/etc\/ssl\/certfleet\/([^/]+)\//;

/** Analyse one reachable host; `served` is filled later by the handshakes. */
export function analyseHost(
  host: string,
  vars: Record<string, unknown>,
  facts: HostFacts,
  opts: AnalyseOptions,
): { report: HostReport; findings: Finding[]; targets: ServedTarget[] } {
  const findings: Finding[] = driftFindings(host, vars, facts);
  const sites = sitesOf(facts);
  const certificates = new Map<string, CertReport>();
  const leaves = new Map<string, X509Certificate>();
  const targets: ServedTarget[] = [];
  const missing = new Set<string>();
  const add = (f: Finding) => {
    if (!findings.some((g) => g.code === f.code && g.path === f.path && g.site === f.site)) findings.push(f);
  };

  for (const site of sites) {
    const label = siteLabel(site);
    for (const p of [...site.certFiles, ...site.keyFiles, ...site.chainFiles]) {
      if (facts.stats.get(p)?.exists === false && !missing.has(p)) {
        missing.add(p);
        add(
          finding(
            'FILE_MISSING',
            host,
            `${site.server} config ${site.file}:${site.line} points at missing ${p}`,
            { site: label, path: p },
          ),
        );
      }
    }
    const legacy = legacyProtocols(site.protocols);
    if (legacy.length) {
      add(
        finding(
          'TLS_LEGACY_PROTOCOL',
          host,
          `${site.server} site enables ${legacy.join(', ')} (${site.file}:${site.line})`,
          { site: label },
        ),
      );
    }
    const certPaths = site.certFiles.flatMap((p) => expandPath(facts, p)).filter((p) => !missing.has(p));
    certPaths.forEach((certPath, i) => {
      const keyPath = site.keyFiles[i] ?? certPath;
      const chainPem = site.chainFiles.map((c) => facts.certs.get(c) ?? '').join('\n');
      let report = certificates.get(certPath);
      if (!report) {
        report = analyseCert(host, certPath, keyPath, chainPem, label, facts, opts, add, leaves);
        if (report) certificates.set(certPath, report);
      }
      const leaf = leaves.get(certPath);
      if (!report || !leaf) return;
      for (const name of site.serverNames) {
        const covered = name.startsWith('*.')
          ? certNames(leaf).includes(name)
          : leaf.checkHost(name) !== undefined;
        if (!covered)
          add(
            finding(
              'CERT_NAME_MISMATCH',
              host,
              `${name} is not covered by ${certPath} (${report.sans.join(', ')})`,
              { site: name, path: certPath },
            ),
          );
      }
      if (site.stapling && report.ocsp_urls.length === 0) {
        add(
          finding('STAPLING_NO_OCSP', host, `OCSP stapling is on but ${certPath} has no OCSP responder URL`, {
            site: label,
            path: certPath,
          }),
        );
      }
      const names = site.serverNames.length ? site.serverNames : certNames(leaf).slice(0, 1);
      for (const port of site.ports) {
        for (const n of names) {
          const servername = n.replace(/^\*\./, 'audit.');
          if (!targets.some((t) => t.port === port && t.servername === servername)) {
            targets.push({
              port,
              servername,
              expectedFingerprint: report.fingerprint_sha256,
              site: label,
              server: site.server,
              certPath,
            });
          }
        }
      }
    });
  }
  if (!sites.length) add(finding('NO_TLS_SITES', host, 'no TLS site in any web-server config'));

  const os = facts.osRelease;
  const report: HostReport = {
    host,
    reachable: true,
    distro: os.ID ? { id: os.ID, version: os.VERSION_ID, pretty: os.PRETTY_NAME } : undefined,
    declared: {
      distro: typeof vars.distro === 'string' ? vars.distro : undefined,
      webserver: declaredWebservers(vars.webservers ?? vars.webserver),
    },
    webservers: { installed: facts.installed, running: facts.running },
    sites: sites.map((s: TlsSite) => ({ ...s })),
    certificates: [...certificates.values()],
    served: [],
  };
  return { report, findings, targets };
}

function analyseCert(
  host: string,
  certPath: string,
  keyPath: string,
  chainPem: string,
  site: string,
  facts: HostFacts,
  opts: AnalyseOptions,
  add: (f: Finding) => void,
  leaves: Map<string, X509Certificate>,
): CertReport | undefined {
  const at = { site, path: certPath };
  const chain = parseCertificates(`${facts.certs.get(certPath) ?? ''}\n${chainPem}`);
  if (!chain.length) {
    const why = facts.keyErrors.get(certPath) ?? 'no PEM certificate in it';
    add(finding('CERT_UNREADABLE', host, `${certPath}: ${why}`, at));
    return undefined;
  }
  const leaf = chain[0];
  leaves.set(certPath, leaf);
  const days = daysLeft(leaf, opts.now);
  const subject = oneLine(leaf.subject);
  if (new Date(leaf.validTo) <= opts.now) {
    add(
      finding(
        'CERT_EXPIRED',
        host,
        `${certPath} (${subject}) expired on ${new Date(leaf.validTo).toISOString()}`,
        at,
      ),
    );
  } else if (days < opts.warnDays) {
    add(finding('CERT_EXPIRING', host, `${certPath} (${subject}) expires in ${days} days`, at));
  }
  if (new Date(leaf.validFrom) > opts.now) {
    add(
      finding(
        'CERT_NOT_YET_VALID',
        host,
        `${certPath} is valid only from ${new Date(leaf.validFrom).toISOString()}`,
        at,
      ),
    );
  }
  const pub = facts.pubkeys.get(keyPath);
  let matches: boolean | null = null;
  if (pub) {
    matches = keyMatches(leaf, pub);
    if (!matches)
      add(
        finding('KEY_MISMATCH', host, `private key ${keyPath} does not belong to ${certPath}`, {
          site,
          path: keyPath,
        }),
      );
  } else if (facts.stats.get(keyPath)?.exists !== false) {
    const why = facts.keyErrors.get(keyPath) ?? 'no private key found in it';
    add(
      finding('KEY_UNCHECKED', host, `cannot check private key ${keyPath}: ${why}`, { site, path: keyPath }),
    );
  }
  const st = facts.stats.get(keyPath);
  if (st?.mode && (pub || facts.keyErrors.has(keyPath)) && (parseInt(st.mode, 8) & 0o004) !== 0) {
    add(
      finding(
        'KEY_WORLD_READABLE',
        host,
        `private key ${keyPath} is mode ${st.mode.padStart(4, '0')} (world-readable)`,
        { site, path: keyPath },
      ),
    );
  }
  const problem = chainProblem(chain);
  if (problem) add(finding('CHAIN_INCOMPLETE', host, `${certPath}: ${problem}`, at));

  // managed: delivered under /etc/ssl/certfleet/NAME/, or (copied elsewhere) the very certificate
  // that is live for NAME in the control node's state dir
  const byPath = MANAGED.exec(certPath)?.[1];
  const bySerial = [...(opts.liveSerials ?? [])].find(([, serial]) => serial === leaf.serialNumber)?.[0];
  const managed = byPath ?? bySerial;
  let current: boolean | null = null;
  if (!managed) {
    add(
      finding(
        'CERT_NOT_MANAGED',
        host,
        `${certPath} is not under /etc/ssl/certfleet/ (not delivered by certfleet)`,
        at,
      ),
    );
  } else if (opts.liveSerials?.has(managed)) {
    current = opts.liveSerials.get(managed) === leaf.serialNumber;
    if (!current)
      add(
        finding(
          'CERT_OUTDATED',
          host,
          `${certPath} (serial ${leaf.serialNumber}) is not the live certificate of ${managed}`,
          at,
        ),
      );
  }
  return {
    path: certPath,
    subject,
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
