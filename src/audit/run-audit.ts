/**
 * The audit run: for each host (up to `forks` at a time) one read-only gather round trip, the
 * analysis, then TLS handshakes from the control node for every name and port of the sites whose
 * web server is running. Never writes anything on a host.
 */
import type { Connection } from '../connections/connection.js';
import { CertfleetError, ConfigError, messageOf } from '../errors.js';
import { redact } from '../output/redact.js';
import { analyseHost, type AnalyseOptions } from './analyse-host.js';
import { exitCodeFor, finding, sortFindings } from './findings.js';
import { gatherFacts, GatherParseError } from './gather.js';
import { fetchServedCert } from './served.js';
import type { AuditReport, Finding, HostReport } from './types.js';

/** One host to audit: its inventory name and merged variables. */
export interface AuditTarget {
  name: string;
  vars: Record<string, unknown>;
}

/** Options of runAudit. */
export interface RunAuditOptions extends Partial<AnalyseOptions> {
  /** opens the (lazy) connection of a host; the audit closes it */
  connect: (target: AuditTarget) => Connection;
  forks?: number;
  /** per-host gather timeout and per-handshake timeout */
  timeoutMs?: number;
}

async function auditOne(
  t: AuditTarget,
  opts: RunAuditOptions,
  now: Date,
): Promise<{ report: HostReport; findings: Finding[] }> {
  const address = typeof t.vars.ansible_host === 'string' ? t.vars.ansible_host : t.name;
  const down = (code: 'HOST_UNREACHABLE' | 'GATHER_FAILED', err: unknown) => ({
    report: emptyReport(t, address),
    findings: [finding(code, t.name, redact(messageOf(err)))],
  });
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let conn: Connection | undefined;
  let facts;
  try {
    conn = opts.connect(t);
    facts = await gatherFacts(conn, { become: truthy(t.vars.ansible_become), timeoutMs });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    if (err instanceof GatherParseError) return down('GATHER_FAILED', err);
    if (err instanceof CertfleetError) return down('HOST_UNREACHABLE', err);
    throw err;
  } finally {
    await conn?.close().catch(() => undefined);
  }
  const { report, findings, targets } = analyseHost(t.name, t.vars, facts, {
    now,
    warnDays: opts.warnDays ?? 30,
    liveSerials: opts.liveSerials,
  });
  report.address = address;
  const live = targets.filter((x) => facts.running.includes(x.server));
  report.served = await Promise.all(
    live.map((x) => fetchServedCert(address, x.port, x.servername, Math.min(timeoutMs, 10_000))),
  );
  // one finding per site and port, naming every server name that got the wrong (or no) certificate
  const wrong = new Map<
    string,
    {
      code: 'SERVED_UNREACHABLE' | 'SERVED_MISMATCH';
      names: string[];
      detail: string;
      site: string;
      path: string;
    }
  >();
  live.forEach((x, i) => {
    const served = report.served[i];
    if (!served.error && x.expectedFingerprint)
      served.matches_file = served.fingerprint_sha256 === x.expectedFingerprint;
    if (!served.error && served.matches_file !== false) return;
    const code = served.error ? 'SERVED_UNREACHABLE' : 'SERVED_MISMATCH';
    const detail =
      served.error ?? `serves ${served.subject} (not after ${served.not_after}), not ${x.certPath}`;
    const key = `${code}|${x.site}|${x.port}|${detail}`;
    const entry = wrong.get(key) ?? { code, names: [], detail, site: x.site, path: x.certPath };
    entry.names.push(`${x.servername}:${x.port}`);
    wrong.set(key, entry);
  });
  for (const w of wrong.values()) {
    findings.push(
      finding(w.code, t.name, `${w.names.join(', ')}: ${w.detail}`, { site: w.site, path: w.path }),
    );
  }
  return { report, findings };
}

/** Ansible booleans: true, "yes", "true", "on", "1" (any case). */
function truthy(v: unknown): boolean {
  return v === true || v === 1 || (typeof v === 'string' && /^(yes|true|on|1)$/i.test(v.trim()));
}

function emptyReport(t: AuditTarget, address: string): HostReport {
  return {
    host: t.name,
    address,
    reachable: false,
    declared: {},
    webservers: { installed: [], running: [] },
    sites: [],
    certificates: [],
    served: [],
  };
}

/** Audit every target and assemble the `certfleet.audit/v1` report. */
export async function runAudit(targets: AuditTarget[], opts: RunAuditOptions): Promise<AuditReport> {
  const now = opts.now ?? new Date();
  const results: { report: HostReport; findings: Finding[] }[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      results[i] = await auditOne(targets[i], opts, now);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.forks ?? 10, targets.length)) }, worker));
  const hosts = results.map((r) => r.report);
  const findings = sortFindings(results.flatMap((r) => r.findings));
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  return {
    schema: 'certfleet.audit/v1',
    generated_at: now.toISOString(),
    hosts,
    findings,
    summary: {
      hosts: hosts.length,
      unreachable: hosts.filter((h) => !h.reachable).length,
      certificates: hosts.reduce((n, h) => n + h.certificates.length, 0),
      critical: count('critical'),
      warning: count('warning'),
      info: count('info'),
      exit_code: exitCodeFor(findings),
    },
  };
}
