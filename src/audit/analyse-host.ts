/**
 * Analysis of one host's gathered facts: TLS sites, every certificate file they reference (judged in
 * cert-findings.ts), the names each site serves, stapling, and the handshake targets for the
 * served-certificate check. Pure: no I/O, so it is unit-tested with generated certificates.
 */
import type { X509Certificate } from 'node:crypto';
import { certNames } from './cert-analysis.js';
import { analyseCert } from './cert-findings.js';
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

/** What the passes over one host share: where findings go (deduplicated) and what was learnt. */
interface Analysis {
  host: string;
  facts: HostFacts;
  opts: AnalyseOptions;
  add(f: Finding): void;
  certificates: Map<string, CertReport>;
  leaves: Map<string, X509Certificate>;
  missing: Set<string>;
  targets: ServedTarget[];
}

/** Files a site names that are not on the host, and protocols that should be off. */
function siteFindings(a: Analysis, site: TlsSite, label: string): void {
  for (const p of [...site.certFiles, ...site.keyFiles, ...site.chainFiles]) {
    if (a.facts.stats.get(p)?.exists === false && !a.missing.has(p)) {
      a.missing.add(p);
      a.add(
        finding(
          'FILE_MISSING',
          a.host,
          `${site.server} config ${site.file}:${site.line} points at missing ${p}`,
          {
            site: label,
            path: p,
          },
        ),
      );
    }
  }
  const legacy = legacyProtocols(site.protocols);
  if (legacy.length)
    a.add(
      finding(
        'TLS_LEGACY_PROTOCOL',
        a.host,
        `${site.server} site enables ${legacy.join(', ')} (${site.file}:${site.line})`,
        {
          site: label,
        },
      ),
    );
}

/** One certificate a site uses: its analysis (once per file), the site's names, stapling, handshake targets. */
function siteCertificate(a: Analysis, site: TlsSite, label: string, certPath: string, i: number): void {
  const keyPath = site.keyFiles[i] ?? certPath;
  const chainPem = site.chainFiles.map((c) => a.facts.certs.get(c) ?? '').join('\n');
  let report = a.certificates.get(certPath);
  if (!report) {
    report = analyseCert(a, certPath, keyPath, chainPem, label);
    if (report) a.certificates.set(certPath, report);
  }
  const leaf = a.leaves.get(certPath);
  if (!report || !leaf) return;
  for (const name of site.serverNames) {
    const covered = name.startsWith('*.')
      ? certNames(leaf).includes(name)
      : leaf.checkHost(name) !== undefined;
    if (!covered)
      a.add(
        finding(
          'CERT_NAME_MISMATCH',
          a.host,
          `${name} is not covered by ${certPath} (${report.sans.join(', ')})`,
          {
            site: name,
            path: certPath,
          },
        ),
      );
  }
  if (site.stapling && report.ocsp_urls.length === 0)
    a.add(
      finding('STAPLING_NO_OCSP', a.host, `OCSP stapling is on but ${certPath} has no OCSP responder URL`, {
        site: label,
        path: certPath,
      }),
    );
  const names = site.serverNames.length ? site.serverNames : certNames(leaf).slice(0, 1);
  for (const port of site.ports)
    for (const n of names) {
      const servername = n.replace(/^\*\./, 'audit.');
      if (!a.targets.some((t) => t.port === port && t.servername === servername))
        a.targets.push({
          port,
          servername,
          expectedFingerprint: report.fingerprint_sha256,
          site: label,
          server: site.server,
          certPath,
        });
    }
}

/** Analyse one reachable host; `served` is filled later by the handshakes. */
export function analyseHost(
  host: string,
  vars: Record<string, unknown>,
  facts: HostFacts,
  opts: AnalyseOptions,
): { report: HostReport; findings: Finding[]; targets: ServedTarget[] } {
  const findings: Finding[] = driftFindings(host, vars, facts);
  const a: Analysis = {
    host,
    facts,
    opts,
    add: (f) => {
      if (!findings.some((g) => g.code === f.code && g.path === f.path && g.site === f.site))
        findings.push(f);
    },
    certificates: new Map(),
    leaves: new Map(),
    missing: new Set(),
    targets: [],
  };
  const sites = sitesOf(facts);
  for (const site of sites) {
    const label = siteLabel(site);
    siteFindings(a, site, label);
    const certPaths = site.certFiles.flatMap((p) => expandPath(facts, p)).filter((p) => !a.missing.has(p));
    certPaths.forEach((certPath, i) => siteCertificate(a, site, label, certPath, i));
  }
  if (!sites.length) a.add(finding('NO_TLS_SITES', host, 'no TLS site in any web-server config'));

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
    certificates: [...a.certificates.values()],
    served: [],
  };
  return { report, findings, targets: a.targets };
}
