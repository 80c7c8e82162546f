/**
 * Where a challenge record lives: follow CNAMEs on `_acme-challenge.NAME` (delegation of the
 * challenge to another zone), then find the zone that holds the final name by an SOA walk, and the
 * authoritative nameservers of that zone [lego challenge/dns01/nameserver.go].
 */
import type { RecordType } from 'dns-packet';
import { DnsProviderError } from '../errors.js';
import { canonical, parseServer, query, type DnsAnswer } from './resolver.js';

/** How to reach the resolvers used for the walk. */
export interface LookupOptions {
  /** resolvers, `ip:port` */
  nameservers: string[];
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The names from `fqdn` up to (not including) the root: a.b.c. → a.b.c., b.c., c. */
export function parentNames(fqdn: string): string[] {
  const labels = canonical(fqdn).slice(0, -1).split('.');
  return labels.map((_, i) => `${labels.slice(i).join('.')}.`);
}

/** Ask each resolver in turn; the first NOERROR/NXDOMAIN answer wins (REFUSED, SERVFAIL, silence go on). */
export async function lookup(name: string, type: RecordType, opts: LookupOptions): Promise<DnsAnswer> {
  const failures: string[] = [];
  for (const ns of opts.nameservers) {
    try {
      const ans = await query(parseServer(ns), name, type, {
        timeoutMs: opts.timeoutMs ?? 3000,
        signal: opts.signal,
      });
      if (ans.rcode === 'NOERROR' || ans.rcode === 'NXDOMAIN') return ans;
      failures.push(`${ns} answered ${ans.rcode}`);
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      failures.push(`${ns}: ${(err as Error).message}`);
    }
  }
  throw new DnsProviderError(`dns: ${type} query for ${canonical(name)} failed: ${failures.join('; ')}`);
}

/**
 * Follow CNAMEs from `fqdn` (at most 10 hops, loops refused). `_acme-challenge.www.example.com
 * CNAME _acme-challenge.delegated.example.org.` means the TXT record must be written at the target.
 */
export async function followCname(fqdn: string, opts: LookupOptions): Promise<string> {
  let name = canonical(fqdn);
  const seen = new Set([name]);
  for (let hop = 0; hop < 10; hop++) {
    const ans = await lookup(name, 'CNAME', opts);
    const cname = ans.answers.find((a) => a.type === 'CNAME' && canonical(a.name) === name);
    if (!cname) return name;
    const target = canonical(cname.data as string);
    if (seen.has(target)) throw new DnsProviderError(`dns: CNAME loop at ${name} → ${target}`);
    seen.add(target);
    name = target;
  }
  throw new DnsProviderError(`dns: more than 10 CNAMEs from ${canonical(fqdn)}`);
}

/**
 * The zone holding `fqdn`: query SOA for the name, then its parents, until the answer section has
 * the SOA of that very name. An NXDOMAIN/NODATA answer carries the zone's SOA in its authority
 * section: that owner is the zone, so the walk jumps there instead of asking every parent.
 */
export async function findZone(fqdn: string, opts: LookupOptions): Promise<string> {
  const names = parentNames(fqdn);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const ans = await lookup(name, 'SOA', opts);
    const soa = ans.answers.find((a) => a.type === 'SOA' && canonical(a.name) === name);
    if (soa) return name;
    // a CNAME at this name (not the apex of a zone): keep walking up
    if (ans.answers.some((a) => a.type === 'CNAME')) continue;
    const auth = ans.authorities.find((a) => a.type === 'SOA');
    if (auth) {
      const zone = canonical(auth.name);
      const j = names.indexOf(zone);
      if (j > i) i = j - 1; // the loop's i++ lands on the zone, which we then confirm
    }
  }
  throw new DnsProviderError(
    `dns: could not find the zone of ${canonical(fqdn)}: no SOA record up to the root`,
    {
      hint: 'check the nameservers used for the lookup (option nameservers / resolv.conf)',
    },
  );
}

/** One authoritative server of a zone. */
export interface AuthServer {
  /** the NS name, `ns1.example.test.` */
  name: string;
  /** `ip:port` to query */
  address: string;
}

/**
 * Every authoritative server of `zone`: its NS records, each resolved to addresses (A, then AAAA),
 * queried on `port`; `override` maps an NS name to a fixed `ip:port` (split horizon, labs).
 */
export async function authoritativeServers(
  zone: string,
  opts: LookupOptions & { port?: number; override?: Record<string, string> },
): Promise<AuthServer[]> {
  const ans = await lookup(zone, 'NS', opts);
  const names = ans.answers
    .filter((a) => a.type === 'NS' && canonical(a.name) === canonical(zone))
    .map((a) => canonical(a.data as string));
  if (!names.length) throw new DnsProviderError(`dns: zone ${canonical(zone)} has no NS records`);
  const override = Object.fromEntries(Object.entries(opts.override ?? {}).map(([k, v]) => [canonical(k), v]));
  const port = opts.port ?? 53;
  const out: AuthServer[] = [];
  for (const name of [...new Set(names)].sort()) {
    if (override[name]) {
      out.push({ name, address: override[name] });
      continue;
    }
    const addrs = await addresses(name, opts);
    if (!addrs.length)
      throw new DnsProviderError(`dns: nameserver ${name} of ${canonical(zone)} has no address`);
    for (const ip of addrs)
      out.push({ name, address: ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}` });
  }
  return out;
}

async function addresses(name: string, opts: LookupOptions): Promise<string[]> {
  for (const type of ['A', 'AAAA'] as const) {
    const ans = await lookup(name, type, opts);
    const ips = ans.answers.filter((a) => a.type === type).map((a) => a.data as string);
    if (ips.length) return ips;
  }
  return [];
}
