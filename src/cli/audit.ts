/**
 * `certfleet audit`: read-only audit of the fleet's TLS configuration and certificates. Prints a
 * table (or `--json`, schema certfleet.audit/v1), optionally writes a self-contained HTML report, and
 * exits 0 (clean), 1 (warnings only), 2 (critical findings) or 4 (bad input). See docs/audit.md.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { renderHtml } from '../audit/report-html.js';
import { renderText } from '../audit/report-text.js';
import { runAudit, type AuditTarget } from '../audit/run-audit.js';
import { connectionFor } from '../connections/factory.js';
import { ConfigError } from '../errors.js';
import { loadInventory } from '../inventory/load.js';
import { selectHosts } from '../inventory/patterns.js';
import { redactValue } from '../output/redact.js';

interface AuditFlags {
  inventory: string[];
  limit?: string;
  json?: boolean;
  html?: string;
  forks: string;
  knownHosts?: string;
  timeout: string;
  warnDays: string;
  stateDir?: string;
}

function positiveInt(flag: string, v: string, max: number): number {
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new ConfigError(`${flag}: must be an integer from 1 to ${max}, got "${v}"`);
  return n;
}

/** Serial of the control node's live certificate per NAME (`STATE/certs/NAME/live/cert.pem`). */
export function liveSerials(stateDir: string): Map<string, string> {
  const dir = join(stateDir, 'certs');
  if (!existsSync(dir)) throw new ConfigError(`--state-dir: ${stateDir} has no certs/ directory`);
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const p = join(dir, name, 'live', 'cert.pem');
    if (!existsSync(p)) continue;
    try {
      out.set(name, new X509Certificate(readFileSync(p)).serialNumber);
    } catch (err) {
      throw new ConfigError(`--state-dir: ${p}: not a PEM certificate (${(err as Error).message})`);
    }
  }
  return out;
}

/** Register `certfleet audit`. */
export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description(
      'read-only audit of web-server TLS configs and deployed certificates (exit 0 clean, 1 warnings, 2 critical)',
    )
    .requiredOption(
      '-i, --inventory <file>',
      'inventory file (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('-l, --limit <pattern>', 'only hosts matching this pattern')
    .option('--json', 'print the report as JSON (schema certfleet.audit/v1)')
    .option('--html <file>', 'also write a self-contained HTML report to FILE')
    .option('--forks <n>', 'hosts audited in parallel', '10')
    .option('--known-hosts <file>', 'known_hosts file for host-key checking')
    .option('--timeout <seconds>', 'per-host gather and per-handshake timeout', '30')
    .option('--warn-days <n>', 'CERT_EXPIRING below this many days left', '30')
    .option('--state-dir <dir>', "control node's state dir: compare managed certificates with its live ones")
    .action(async (flags: AuditFlags) => {
      const forks = positiveInt('--forks', flags.forks, 500);
      const timeoutMs = positiveInt('--timeout', flags.timeout, 3600) * 1000;
      const warnDays = positiveInt('--warn-days', flags.warnDays, 3650);
      const serials = flags.stateDir ? liveSerials(flags.stateDir) : undefined;
      const inv = await loadInventory(flags.inventory);
      const names = selectHosts(inv, flags.limit ?? 'all');
      if (!names.length)
        throw new ConfigError(
          `no host matches ${flags.limit ? `--limit "${flags.limit}"` : 'the inventory'}`,
        );
      const targets: AuditTarget[] = names.map((name) => ({ name, vars: inv.hostVars(name) }));
      // build every connection up front: a bad connection variable is bad input (exit 4), not a finding
      const conns = new Map(
        targets.map((t) => {
          const khf =
            flags.knownHosts ??
            (typeof t.vars.known_hosts_file === 'string' ? t.vars.known_hosts_file : undefined);
          return [
            t.name,
            connectionFor(t.name, t.vars, {
              knownHostsFile: khf,
              connectTimeoutMs: Math.min(timeoutMs, 10_000),
            }),
          ];
        }),
      );
      const report = await runAudit(targets, {
        connect: (t) => conns.get(t.name)!,
        forks,
        timeoutMs,
        warnDays,
        liveSerials: serials,
      });
      if (flags.html) {
        const tmp = `${flags.html}.tmp-${process.pid}`;
        writeFileSync(tmp, renderHtml(report, { warnDays }));
        renameSync(tmp, flags.html);
      }
      process.stdout.write(
        flags.json ? `${JSON.stringify(redactValue(report), null, 2)}\n` : renderText(report),
      );
      process.exitCode = report.summary.exit_code;
    });
}
