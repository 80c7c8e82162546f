/**
 * The terminal report: one summary row per host, then the findings sorted by severity, then one
 * summary line. Plain text (no colours) so that it reads the same in CI logs and pipes.
 */
import { redact } from '../output/redact.js';
import type { AuditReport, Finding, HostReport } from './types.js';

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The smallest days-left of a host's certificates ('-' without certificates). */
export function minDaysLeft(h: HostReport): number | undefined {
  const days = h.certificates.map((c) => c.days_left);
  return days.length ? Math.min(...days) : undefined;
}

function counts(host: string, findings: Finding[]): [number, number, number] {
  const mine = findings.filter((f) => f.host === host);
  return [
    mine.filter((f) => f.severity === 'critical').length,
    mine.filter((f) => f.severity === 'warning').length,
    mine.filter((f) => f.severity === 'info').length,
  ];
}

/** Render the whole report for a terminal. */
export function renderText(report: AuditReport): string {
  const hostRows = [
    ['HOST', 'ADDRESS', 'DISTRO', 'RUNNING', 'SITES', 'CERTS', 'MIN DAYS', 'CRIT', 'WARN', 'INFO'],
  ];
  for (const h of report.hosts) {
    const [c, w, i] = counts(h.host, report.findings);
    hostRows.push([
      h.host,
      h.address ?? '',
      h.reachable
        ? h.distro
          ? `${h.distro.id}${h.distro.version ? ` ${h.distro.version}` : ''}`
          : '?'
        : 'unreachable',
      h.webservers.running.join(',') || '-',
      String(h.sites.length),
      String(h.certificates.length),
      String(minDaysLeft(h) ?? '-'),
      String(c),
      String(w),
      String(i),
    ]);
  }
  const out = [table(hostRows), ''];
  if (report.findings.length) {
    const rows = [['SEVERITY', 'HOST', 'CODE', 'MESSAGE']];
    for (const f of report.findings) rows.push([f.severity.toUpperCase(), f.host, f.code, f.message]);
    out.push(table(rows), '');
  } else out.push('No findings.', '');
  const s = report.summary;
  out.push(
    `${s.hosts} host${s.hosts === 1 ? '' : 's'} (${s.unreachable} unreachable), ${s.certificates} certificate${s.certificates === 1 ? '' : 's'}: ` +
      `${s.critical} critical, ${s.warning} warning, ${s.info} info`,
  );
  return redact(`${out.join('\n')}\n`);
}
