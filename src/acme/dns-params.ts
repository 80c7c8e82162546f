/**
 * The `dns:` parameter of acme_certificate: our keys (provider, nameservers, authoritative_port,
 * authoritative_override, propagation_timeout/interval in seconds) plus the provider's own config
 * keys (validated by the provider's schema in the DNS core). meta.json keeps a copy WITHOUT the
 * provider's secret keys; `certs renew` gets them back from the `<CODE>_<KEY>` env vars.
 */
import type { Dns01Options } from '../dns/dns01.js';
import { envName } from '../dns/config.js';
import { providerDef } from '../dns/registry.js';
import { ConfigError } from '../errors.js';

/** `dns:` as written in a playbook. */
export interface DnsParams {
  provider: string;
  nameservers?: string[];
  authoritative_port?: number;
  authoritative_override?: Record<string, string>;
  /** seconds */
  propagation_timeout?: number;
  /** seconds */
  propagation_interval?: number;
  [providerKey: string]: unknown;
}

const OWN_KEYS = [
  'provider',
  'secret_keys',
  'nameservers',
  'authoritative_port',
  'authoritative_override',
  'propagation_timeout',
  'propagation_interval',
];

/** JSON schema of `dns:` (provider keys are checked by the provider's own schema). */
export const dnsParamsSchema = {
  type: 'object',
  required: ['provider'],
  properties: {
    provider: { type: 'string', minLength: 1 },
    nameservers: { type: 'array', items: { type: 'string' } },
    authoritative_port: { type: 'integer', minimum: 1, maximum: 65535 },
    authoritative_override: { type: 'object', additionalProperties: { type: 'string' } },
    propagation_timeout: { type: 'number', exclusiveMinimum: 0 },
    propagation_interval: { type: 'number', exclusiveMinimum: 0 },
  },
};

/** Dns01Options for the DNS core from `dns:`. */
export function dnsOptionsFrom(dns: DnsParams, extra: Partial<Dns01Options> = {}): Dns01Options {
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(dns)) if (!OWN_KEYS.includes(k)) config[k] = v;
  return {
    provider: dns.provider,
    config,
    nameservers: dns.nameservers,
    authoritativePort: dns.authoritative_port,
    authoritativeOverride: dns.authoritative_override,
    propagationTimeoutMs: dns.propagation_timeout === undefined ? undefined : dns.propagation_timeout * 1000,
    propagationIntervalMs:
      dns.propagation_interval === undefined ? undefined : dns.propagation_interval * 1000,
    ...extra,
  };
}

/**
 * `dns:` without the provider's secret keys (safe to store in meta.json); `secret_keys` names the
 * secrets that were set, so `certs renew` can say which environment variable is missing.
 */
export function publicDnsSettings(dns: DnsParams): Record<string, unknown> {
  const secrets = new Set(providerDef(dns.provider).secrets);
  const kept = Object.fromEntries(Object.entries(dns).filter(([k]) => !secrets.has(k)));
  const set = Object.keys(dns).filter((k) => secrets.has(k));
  return set.length ? { ...kept, secret_keys: set } : kept;
}

/**
 * Stored `dns:` settings back into params: `secret_keys` must each come from the provider's
 * environment variable (`RFC2136_TSIG_SECRET`...), else a ConfigError naming the variables.
 */
export function dnsParamsFromStored(
  stored: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): DnsParams {
  const { secret_keys: keys, ...rest } = stored;
  const def = providerDef(String(rest.provider));
  const missing = (Array.isArray(keys) ? (keys as string[]) : [])
    .map((k) => envName(def, k))
    .filter((name) => !env[name]);
  if (missing.length) {
    throw new ConfigError(
      `the ${def.code} DNS provider needs its secret from the environment: set ${missing.join(', ')}`,
    );
  }
  return rest as DnsParams;
}
