/**
 * The DNS-provider contract (STYLE.md §5) [lego challenge/provider.go]. The core (not the provider)
 * finds the zone, follows CNAMEs and checks propagation. `present` adds one value (never replaces
 * the record set); `cleanup` removes exactly that value and tolerates "already gone".
 */

export interface DnsChallenge {
  /** the identifier being validated, e.g. `example.test` for `*.example.test` */
  domain: string;
  /** the record name to write, after CNAME following: `_acme-challenge.example.test.` */
  fqdn: string;
  /** the TXT value (base64url SHA-256 key authorization digest) */
  value: string;
  /** the zone that holds `fqdn`, found by SOA walk: `example.test.` */
  zone: string;
}

export interface DnsProvider {
  present(ch: DnsChallenge, signal: AbortSignal): Promise<void>;
  cleanup(ch: DnsChallenge, signal: AbortSignal): Promise<void>;
  propagation?: { timeoutMs: number; intervalMs: number };
}
