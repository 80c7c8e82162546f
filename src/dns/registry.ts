/**
 * The DNS providers certfleet knows: one line per provider [lego providers/dns/zz_gen_cmd_dnsprovider.go].
 * An unknown code fails listing the known ones.
 */
import { ConfigError } from '../errors.js';
import { resolveProviderConfig, type ConfigOrigin, type ProviderDef } from './config.js';
import type { DnsProvider } from './provider.js';
import { exec } from './providers/exec/index.js';
import { ovhProvider } from './providers/ovh/index.js';
import { rfc2136 } from './providers/rfc2136/index.js';
import { route53 } from './providers/route53/index.js';

const PROVIDERS: ProviderDef[] = [rfc2136, ovhProvider, route53, exec];

/** Every provider definition, sorted by code. */
export function listProviders(): ProviderDef[] {
  return [...PROVIDERS].sort((a, b) => a.code.localeCompare(b.code));
}

/** Every accepted code, aliases included, sorted. */
export function knownCodes(): string[] {
  return PROVIDERS.flatMap((p) => [p.code, ...(p.aliases ?? [])]).sort();
}

/** The definition for a code or alias (case-insensitive); unknown → ConfigError listing the known ones. */
export function providerDef(code: string): ProviderDef {
  const c = code.toLowerCase();
  const def = PROVIDERS.find((p) => p.code === c || p.aliases?.includes(c));
  if (!def) throw new ConfigError(`dns: unknown provider "${code}" (known: ${knownCodes().join(', ')})`);
  return def;
}

/**
 * A ready provider: config validated against the provider's schema, env vars `<CODE>_<KEY>` filling
 * gaps, secrets registered for redaction. `env` and `origin` are for tests and playbook locations.
 */
export function createProvider(
  code: string,
  config: Record<string, unknown>,
  opts: { env?: NodeJS.ProcessEnv; origin?: ConfigOrigin } = {},
): DnsProvider {
  const def = providerDef(code);
  return def.create(resolveProviderConfig(def, config, opts.env ?? process.env, opts.origin));
}
