/**
 * The findings catalogue: every code an audit can emit, with its severity. Codes are stable (they
 * are part of the `certfleet.audit/v1` JSON schema and documented in docs/audit.md); add new codes,
 * never rename or repurpose one.
 */
import type { Finding } from './types.js';

/** How bad a finding is; decides the exit code (critical → 2, warning → 1). */
export type Severity = 'critical' | 'warning' | 'info';

/** code → default severity and one-line meaning (the docs carry the fix). */
export const FINDINGS = {
  HOST_UNREACHABLE: { severity: 'critical', meaning: 'the host could not be reached over SSH' },
  GATHER_FAILED: { severity: 'critical', meaning: 'the read-only gather script failed on the host' },
  CERT_EXPIRED: { severity: 'critical', meaning: 'a configured certificate is past its not_after' },
  CERT_EXPIRING: { severity: 'warning', meaning: 'a configured certificate expires within --warn-days' },
  CERT_NOT_YET_VALID: { severity: 'warning', meaning: 'a configured certificate is not valid yet' },
  CERT_NAME_MISMATCH: { severity: 'warning', meaning: 'a server name of the site is not in the certificate' },
  CERT_UNREADABLE: { severity: 'critical', meaning: 'a certificate file holds no parseable certificate' },
  KEY_MISMATCH: { severity: 'critical', meaning: 'the private key does not belong to the certificate' },
  KEY_WORLD_READABLE: { severity: 'critical', meaning: 'a private key file is readable by every user' },
  KEY_UNCHECKED: { severity: 'info', meaning: 'the public key could not be derived on the host' },
  FILE_MISSING: { severity: 'critical', meaning: 'the config points at a file that does not exist' },
  CHAIN_INCOMPLETE: { severity: 'warning', meaning: 'the file lacks the intermediates up to a root' },
  SERVED_MISMATCH: { severity: 'warning', meaning: 'the certificate served differs from the file' },
  SERVED_UNREACHABLE: { severity: 'warning', meaning: 'no TLS handshake on a configured port' },
  WEBSERVER_DRIFT: { severity: 'warning', meaning: 'the web servers running differ from the inventory' },
  DISTRO_DRIFT: { severity: 'warning', meaning: 'the distribution differs from the inventory' },
  STAPLING_NO_OCSP: { severity: 'warning', meaning: 'OCSP stapling on, but the certificate has no OCSP URL' },
  TLS_LEGACY_PROTOCOL: { severity: 'warning', meaning: 'TLS 1.0 or 1.1 is enabled' },
  CERT_NOT_MANAGED: { severity: 'info', meaning: 'the certificate is not one certfleet delivers' },
  CERT_OUTDATED: { severity: 'warning', meaning: "a managed certificate is not the control node's live one" },
  NO_TLS_SITES: { severity: 'info', meaning: 'no TLS site was found in any web-server config' },
} as const satisfies Record<string, { severity: Severity; meaning: string }>;

/** A stable finding code. */
export type FindingCode = keyof typeof FINDINGS;

const RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Build a finding with the catalogue's severity. */
export function finding(
  code: FindingCode,
  host: string,
  message: string,
  extra: { site?: string; path?: string } = {},
): Finding {
  return { code, severity: FINDINGS[code].severity, host, ...extra, message };
}

/** Sort findings: severity first, then host, code, path (a stable order for every output). */
export function sortFindings(list: Finding[]): Finding[] {
  return [...list].sort(
    (a, b) =>
      RANK[a.severity] - RANK[b.severity] ||
      a.host.localeCompare(b.host) ||
      a.code.localeCompare(b.code) ||
      (a.path ?? '').localeCompare(b.path ?? '') ||
      (a.site ?? '').localeCompare(b.site ?? ''),
  );
}

/** The audit's exit code: 2 with any critical finding, 1 with warnings only, else 0. */
export function exitCodeFor(list: Finding[]): 0 | 1 | 2 {
  if (list.some((f) => f.severity === 'critical')) return 2;
  if (list.some((f) => f.severity === 'warning')) return 1;
  return 0;
}
