/**
 * Configuration text for the bind9 lab (test/lab/bind9.ts): zone files and named.conf for the
 * primary and the optional second server.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bind9Options, TsigKey } from './bind9.js';

/** One zone file per zone: SOA, NS (ns1, and ns2 with a second server), A records, extra lines. */
export function writeZones(dir: string, zones: string[], opts: Bind9Options): void {
  // a journal from an earlier run in a reused dir would replay old updates over the new zone file
  for (const f of readdirSync(dir)) if (f.endsWith('.jnl')) rmSync(join(dir, f), { force: true });
  for (const zone of zones) {
    const extra = (opts.extraRecords ?? []).filter((line) => zoneOf(line.split(/\s+/)[0], zones) === zone);
    const lines = [
      '$TTL 60',
      `@ IN SOA ns1.${zone}. hostmaster.${zone}. ( 1 60 30 3600 30 )`,
      `@ IN NS ns1.${zone}.`,
      ...(opts.second ? [`@ IN NS ns2.${zone}.`, 'ns2 IN A 127.0.0.1'] : []),
      'ns1 IN A 127.0.0.1',
      '@ IN A 127.0.0.1',
      ...extra,
      '',
    ];
    writeFileSync(join(dir, `${zone}.zone`), lines.join('\n'));
  }
}

/** The longest lab zone that holds `name`. */
function zoneOf(name: string, zones: string[]): string | undefined {
  const n = name.toLowerCase().replace(/\.$/, '');
  return zones.filter((z) => n === z || n.endsWith(`.${z}`)).sort((a, b) => b.length - a.length)[0];
}

function commonOptions(dir: string, address: string, port: number): string {
  // controls {} disables rndc: otherwise named binds 953 with the system key (LAB-NOTES)
  return `controls { };
options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  session-keyfile "${dir}/session.key";
  managed-keys-directory "${dir}";
  listen-on port ${port} { ${address}; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  allow-transfer { any; };
};
logging { category default { default_stderr; }; category lame-servers { null; }; };
`;
}

/** named.conf of the primary: TSIG keys, `grant KEY zonesub TXT`, NOTIFY to the secondary if any. */
export function primaryConf(
  dir: string,
  port: number,
  port2: number,
  zones: string[],
  keys: TsigKey[],
  opts: Bind9Options,
): string {
  const keyConf = keys
    .map((k) => `key "${k.name}" { algorithm ${k.algorithm}; secret "${k.secret}"; };\n`)
    .join('');
  const grants = keys.map((k) => `grant "${k.name}" zonesub TXT;`).join(' ');
  const notify =
    opts.second === 'secondary' && opts.autoNotify !== false
      ? `notify explicit; also-notify { 127.0.0.1 port ${port2}; }; notify-delay 0;`
      : 'notify no;';
  const zoneConf = zones
    .map(
      (z) =>
        `zone "${z}" { type primary; file "${dir}/${z}.zone"; update-policy { ${grants} }; ${notify} };\n`,
    )
    .join('');
  return commonOptions(dir, '127.0.0.1', port) + keyConf + zoneConf;
}

/** named.conf of the second server: a real secondary, or a stale primary copy. */
export function secondConf(
  dir: string,
  port: number,
  port2: number,
  zones: string[],
  kind: 'secondary' | 'stale',
): string {
  const zoneConf = zones
    .map((z) =>
      kind === 'secondary'
        ? `zone "${z}" { type secondary; file "${dir}/${z}.zone"; primaries { 127.0.0.1 port ${port}; }; };\n`
        : `zone "${z}" { type primary; file "${dir}/${z}.zone"; notify no; };\n`,
    )
    .join('');
  return commonOptions(dir, '127.0.0.1', port2) + zoneConf;
}
