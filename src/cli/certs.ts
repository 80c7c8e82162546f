/**
 * `certfleet certs list|renew|revoke`: the certificate store without a playbook.
 * `renew` reuses what the last issuance stored in meta.json (domains, directory, key type, the dns
 * settings WITHOUT secrets); secrets come from the environment at renew time, by the provider's
 * variable names (`RFC2136_TSIG_SECRET`, `OVH_APPLICATION_SECRET`, ...), never from the store.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { KeyType } from '../acme/crypto.js';
import { dnsParamsFromStored, type DnsParams } from '../acme/dns-params.js';
import { decide } from '../acme/renewal.js';
import { openStore } from '../store/file-store.js';
import type { CertMeta, StateStore } from '../store/types.js';
import { CertfleetError, ConfigError, ModuleError, messageOf } from '../errors.js';
import { redact } from '../output/redact.js';

/** One row of `certs list`. */
export interface CertRow {
  name: string;
  domains: string[];
  key_type: string;
  not_after: string;
  days_left: number;
  renew_at?: string;
  due: boolean;
  reason: string;
}

/** Rows for every stored certificate, decided offline (stored ARI window, no network). */
export async function listCerts(stateDir: string, now = new Date()): Promise<CertRow[]> {
  const store = openStore(stateDir).certs;
  const rows: CertRow[] = [];
  for (const name of await store.names()) {
    const meta = await store.readMeta(name);
    if (!meta) continue;
    const ari = meta.renew?.ari !== false && meta.ari?.window ? meta.ari.window : undefined;
    const d = decide({
      meta,
      domains: meta.domains,
      keyType: meta.key_type,
      now,
      ari,
      chosen: meta.ari?.chosen,
      fraction: meta.renew?.fraction,
      random: () => 0.5, // listing must not pick (and forget) a random instant
    });
    const daysLeft = Math.floor((Date.parse(meta.not_after) - now.getTime()) / 86_400_000);
    rows.push({
      name,
      domains: meta.domains,
      key_type: meta.key_type,
      not_after: meta.not_after,
      days_left: daysLeft,
      renew_at: d.renewAt,
      due: d.action !== 'none',
      reason: d.reason,
    });
  }
  return rows;
}

function table(rows: CertRow[]): string {
  const head = ['NAME', 'DOMAINS', 'KEY', 'NOT AFTER', 'DAYS', 'RENEW AT', 'REASON'];
  const body = rows.map((r) => [
    r.name,
    r.domains.join(','),
    r.key_type,
    r.not_after.slice(0, 16).replace('T', ' '),
    String(r.days_left),
    r.due ? 'now' : (r.renew_at ?? '').slice(0, 16).replace('T', ' '),
    r.reason,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [head, ...body]
    .map((cols) =>
      cols
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Renew one stored certificate from its meta (secrets from the environment). */
async function renewOne(
  store: StateStore,
  meta: CertMeta,
  opts: { force?: boolean; check?: boolean; verbose?: boolean },
) {
  if (!meta.dns || typeof meta.dns.provider !== 'string') {
    throw new ConfigError(`certs renew: ${meta.name}: meta.json has no dns settings; run the playbook once`);
  }
  // check mode orders nothing, so it needs no DNS secret
  const dns: DnsParams = opts.check ? (meta.dns as DnsParams) : dnsParamsFromStored(meta.dns);
  const log = (m: string) => {
    if (opts.verbose || m.startsWith('[WARNING]')) process.stderr.write(`${redact(m)}\n`);
  };
  // the ACME client stack loads only for the commands that talk to a CA
  const { obtainCertificate } = await import('../acme/obtain.js');
  return obtainCertificate(
    store,
    {
      name: meta.name,
      domains: meta.domains,
      directory: meta.directory,
      email: meta.email,
      keyType: meta.key_type as KeyType,
      accountKeyType: meta.account_key_type as KeyType | undefined,
      profile: meta.profile,
      preferredChain: meta.preferred_chain,
      renew: { ari: meta.renew?.ari, fraction: meta.renew?.fraction, force: opts.force },
      caBundleFile: meta.ca_bundle,
      dns,
      storedDns: meta.dns,
    },
    { check: !!opts.check, log },
  );
}

/** Register `certs list|renew|revoke`. */
export function registerCerts(program: Command): void {
  const certs = program
    .command('certs')
    .description('list, renew and revoke the certificates in the state directory');
  const stateOpt = ['--state-dir <dir>', 'certificate store (default ./.certfleet)', '.certfleet'] as const;

  certs
    .command('list')
    .description('stored certificates with expiry and when they are due')
    .option(...stateOpt)
    .option('--json', 'machine-readable output')
    .action(async (o: { stateDir: string; json?: boolean }) => {
      const rows = await listCerts(resolve(o.stateDir));
      if (o.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else
        process.stdout.write(
          rows.length ? `${table(rows)}\n` : `no certificates in ${resolve(o.stateDir)}\n`,
        );
    });

  certs
    .command('renew [name]')
    .description('renew due certificates (all, or NAME) with the settings stored at issuance')
    .option(...stateOpt)
    .option('--force', 'renew even when not due')
    .option('--check', 'only say what would be done')
    .action(
      async (
        name: string | undefined,
        o: { stateDir: string; force?: boolean; check?: boolean },
        cmd: Command,
      ) => {
        const stateDir = resolve(o.stateDir);
        const state = openStore(stateDir);
        const store = state.certs;
        const names = name ? [name] : await store.names();
        if (name && !(await store.readMeta(name)))
          throw new ConfigError(`certs renew: no certificate named "${name}" in ${stateDir}`);
        const verbose = !!cmd.optsWithGlobals<{ verbose?: boolean }>().verbose;
        let failed: CertfleetError | undefined;
        for (const n of names) {
          const meta = await store.readMeta(n);
          if (!meta) continue;
          try {
            const r = await renewOne(state, meta, { ...o, verbose });
            const verb = o.check
              ? { issue: 'would issue', renew: 'would renew', none: 'up to date' }[r.action]
              : { issue: 'issued', renew: 'renewed', none: 'up to date' }[r.action];
            process.stdout.write(`${n}: ${verb} (${r.reason})\n`);
          } catch (err) {
            if (!(err instanceof CertfleetError)) throw err;
            process.stderr.write(`${redact(`certfleet: error: ${n}: ${messageOf(err)}`)}\n`);
            failed ??= err;
          }
        }
        if (failed) process.exitCode = failed.exitCode;
      },
    );

  certs
    .command('revoke <name>')
    .description('revoke a stored certificate at its CA (the next run issues a new one)')
    .option(...stateOpt)
    .option(
      '--reason <reason>',
      'unspecified | keyCompromise | superseded | cessationOfOperation',
      'unspecified',
    )
    .action(async (name: string, o: { stateDir: string; reason: string }) => {
      const reasons = ['unspecified', 'keyCompromise', 'superseded', 'cessationOfOperation'];
      if (!reasons.includes(o.reason)) throw new ConfigError(`--reason must be one of ${reasons.join(', ')}`);
      const state = openStore(resolve(o.stateDir));
      if (!(await state.certs.readMeta(name)))
        throw new ModuleError(`certs revoke: no certificate named "${name}" in ${state.location}`);
      const { revokeStored } = await import('../acme/revoke.js');
      const meta = await revokeStored(state, name, { reason: o.reason });
      process.stdout.write(
        `${name}: revoked (serial ${meta.serial}); the next run or \`certs renew\` issues a new one\n`,
      );
    });
}
