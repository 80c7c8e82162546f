/**
 * `certfleet dns providers [--json]`: every DNS provider with its options, straight from each
 * provider's JSON schema (type, default, environment variable, whether it is a secret).
 */
import type { Command } from 'commander';
import { envName, type ProviderDef } from '../dns/config.js';
import { listProviders } from '../dns/registry.js';

/** One option of a provider, as shown to users. */
export interface ProviderOptionInfo {
  key: string;
  type: string;
  required: boolean;
  default?: unknown;
  env: string;
  secret: boolean;
  description: string;
}

/** A provider and its options. */
export interface ProviderInfo {
  code: string;
  aliases: string[];
  description: string;
  docs?: string;
  options: ProviderOptionInfo[];
}

/** Describe a provider from its definition. */
export function describeProvider(def: ProviderDef): ProviderInfo {
  const required = new Set(def.schema.required ?? []);
  return {
    code: def.code,
    aliases: def.aliases ?? [],
    description: def.description,
    docs: def.docs,
    options: Object.entries(def.schema.properties).map(([key, p]) => ({
      key,
      type: p.enum ? p.enum.filter((v) => typeof v !== 'string' || v === v.toLowerCase()).join('|') : p.type,
      required: required.has(key),
      default: p.default,
      env: envName(def, key),
      secret: def.secrets.includes(key),
      description: p.description,
    })),
  };
}

/** The text table of `certfleet dns providers`. */
export function providersText(infos: ProviderInfo[]): string {
  const out: string[] = [];
  for (const info of infos) {
    const aliases = info.aliases.length ? ` (alias ${info.aliases.join(', ')})` : '';
    out.push(`${info.code}${aliases}: ${info.description}`);
    if (info.docs) out.push(`  docs: ${info.docs}`);
    const width = Math.max(...info.options.map((o) => o.key.length));
    for (const o of info.options) {
      const flags = [o.required ? 'required' : '', o.secret ? 'secret' : ''].filter(Boolean).join(', ');
      const dflt = o.default !== undefined ? `, default ${JSON.stringify(o.default)}` : '';
      out.push(
        `  ${o.key.padEnd(width)}  ${o.type}${flags ? ` (${flags})` : ''}${dflt}; env ${o.env}: ${o.description}`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

/** Register the `dns` command group. */
export function registerDns(program: Command): void {
  const dns = program.command('dns').description('DNS-01 providers');
  dns
    .command('providers')
    .description('list the DNS providers and their options')
    .option('--json', 'as JSON')
    .action((opts: { json?: boolean }) => {
      const infos = listProviders().map(describeProvider);
      process.stdout.write(opts.json ? `${JSON.stringify(infos, null, 2)}\n` : providersText(infos));
    });
}
