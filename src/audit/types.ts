/**
 * The audit data model: what the gather script reports about a host (facts), what the parsers find
 * in web-server configs (TLS sites), and what the analysis concludes (host reports and findings).
 */
import type { FindingCode, Severity } from './findings.js';

import type { TlsSite } from '../webservers/sites.js';
import type { WebServerKind } from '../webservers/kind.js';

export type { TlsSite, WebServerKind };

/** stat(1) of a path referenced by a config, as seen on the host. */
export interface PathStat {
  exists: boolean;
  /** octal permission bits, e.g. `600` */
  mode?: string;
  owner?: string;
  group?: string;
  /** `regular file`, `directory`, ... */
  type?: string;
}

/** Everything one gather round trip returned for a host (never any private-key material). */
export interface HostFacts {
  osRelease: Record<string, string>;
  installed: WebServerKind[];
  running: WebServerKind[];
  /** config files per web server, path → content, in the order the script read them */
  configs: Partial<Record<WebServerKind, Map<string, string>>>;
  /** main config file per web server (the root of the include tree) */
  mainConfig: Partial<Record<WebServerKind, string>>;
  stats: Map<string, PathStat>;
  /** CERTIFICATE PEM blocks found in a referenced file */
  certs: Map<string, string>;
  /** SubjectPublicKeyInfo PEM derived on the host from a referenced private key */
  pubkeys: Map<string, string>;
  /** files the script saw a PRIVATE KEY block in, whose public key could not be derived */
  keyErrors: Map<string, string>;
}

/** One problem (or fact worth noting) found by an audit. */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  host: string;
  /** the site's first server name (or `file:line` when it has none) */
  site?: string;
  path?: string;
  message: string;
}

/** One certificate file as analysed on the control node. */
export interface CertReport {
  path: string;
  subject: string;
  sans: string[];
  issuer: string;
  serial: string;
  not_after: string;
  days_left: number;
  fingerprint_sha256: string;
  key_path?: string;
  /** null when the key could not be checked */
  key_matches: boolean | null;
  chain_complete: boolean;
  /** NAME when under /etc/ssl/certfleet/NAME/ */
  managed_name?: string;
  /** managed and same serial as the control node's live certificate (null: not checked) */
  current: boolean | null;
  ocsp_urls: string[];
}

/** What one TLS handshake returned. */
export interface ServedCert {
  port: number;
  servername: string;
  fingerprint_sha256?: string;
  subject?: string;
  not_after?: string;
  error?: string;
  /** same leaf as the certificate file configured for the site */
  matches_file?: boolean;
}

/** One host in the audit report. */
export interface HostReport {
  host: string;
  address?: string;
  reachable: boolean;
  distro?: { id: string; version?: string; pretty?: string };
  declared: { distro?: string; webserver?: string[] };
  webservers: { installed: WebServerKind[]; running: WebServerKind[] };
  sites: (Omit<TlsSite, 'server'> & { server: WebServerKind })[];
  certificates: CertReport[];
  served: ServedCert[];
}

/** The whole audit; serialised as `--json` (schema `certfleet.audit/v1`). */
export interface AuditReport {
  schema: 'certfleet.audit/v1';
  generated_at: string;
  hosts: HostReport[];
  findings: Finding[];
  summary: {
    hosts: number;
    unreachable: number;
    certificates: number;
    critical: number;
    warning: number;
    info: number;
    /** process exit code the CLI uses: 0 clean, 1 warnings only, 2 critical */
    exit_code: 0 | 1 | 2;
  };
}
