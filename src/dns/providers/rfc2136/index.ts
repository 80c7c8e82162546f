/**
 * rfc2136 (alias nsupdate): dynamic DNS UPDATE signed with TSIG, for bind9, Knot, PowerDNS...
 * RFC 2136 (UPDATE): https://www.rfc-editor.org/rfc/rfc2136 · RFC 8945 (TSIG): https://www.rfc-editor.org/rfc/rfc8945
 */
import type { ProviderDef } from '../../config.js';
import type { DnsChallenge, DnsProvider } from '../../provider.js';
import { parseServer } from '../../resolver.js';
import { TSIG_ALGORITHMS } from './tsig.js';
import { sendUpdate, type UpdateTarget } from './update.js';

/** The rfc2136 config after validation. */
export interface Rfc2136Config {
  nameserver: string;
  tsig_key_name?: string;
  tsig_algorithm: string;
  tsig_secret?: string;
  ttl: number;
  timeout_ms: number;
}

/** Build the update target (server + key material) from a validated config. */
export function updateTarget(cfg: Rfc2136Config): UpdateTarget {
  const key =
    cfg.tsig_key_name && cfg.tsig_secret
      ? {
          name: cfg.tsig_key_name,
          algorithm: cfg.tsig_algorithm.toLowerCase().replace(/\.$/, ''),
          secret: Buffer.from(cfg.tsig_secret, 'base64'),
        }
      : undefined;
  return { server: parseServer(cfg.nameserver), key, timeoutMs: cfg.timeout_ms };
}

class Rfc2136Provider implements DnsProvider {
  private readonly target: UpdateTarget;
  constructor(private readonly cfg: Rfc2136Config) {
    this.target = updateTarget(cfg);
  }

  async present(ch: DnsChallenge, signal: AbortSignal): Promise<void> {
    await sendUpdate(
      this.target,
      ch.zone,
      [{ op: 'add', fqdn: ch.fqdn, value: ch.value, ttl: this.cfg.ttl }],
      signal,
    );
  }

  async cleanup(ch: DnsChallenge, signal: AbortSignal): Promise<void> {
    await sendUpdate(
      this.target,
      ch.zone,
      [{ op: 'delete', fqdn: ch.fqdn, value: ch.value, ttl: 0 }],
      signal,
    );
  }
}

const algorithms = Object.keys(TSIG_ALGORITHMS);

/** Registry entry. */
export const rfc2136: ProviderDef = {
  code: 'rfc2136',
  aliases: ['nsupdate'],
  description: 'RFC 2136 dynamic update signed with TSIG (bind9, Knot, PowerDNS)',
  docs: 'https://www.rfc-editor.org/rfc/rfc2136',
  schema: {
    type: 'object',
    properties: {
      nameserver: {
        type: 'string',
        description: 'primary server that accepts updates, "ip" or "ip:port" ([v6]:port)',
        pattern: '^(\\[[0-9a-fA-F:.]+\\]|[0-9a-fA-F:.]+|[A-Za-z0-9.-]+)(:\\d{1,5})?$',
        errorMessage: 'must be "ip" or "ip:port" ("[v6]:port")',
      },
      tsig_key_name: { type: 'string', description: 'TSIG key name as in named.conf', minLength: 1 },
      tsig_algorithm: {
        type: 'string',
        description: 'TSIG algorithm',
        enum: algorithms,
        default: 'hmac-sha256',
      },
      tsig_secret: {
        type: 'string',
        description: 'TSIG secret, base64',
        pattern: '^[A-Za-z0-9+/]+={0,2}$',
        errorMessage: 'must be base64',
      },
      ttl: {
        type: 'integer',
        description: 'TTL of the TXT records (s)',
        minimum: 1,
        maximum: 86400,
        default: 60,
      },
      timeout_ms: {
        type: 'integer',
        description: 'timeout of one update (ms)',
        minimum: 100,
        default: 10000,
      },
    },
    required: ['nameserver'],
    dependencies: { tsig_key_name: ['tsig_secret'], tsig_secret: ['tsig_key_name'] },
    additionalProperties: false,
  },
  env: {
    nameserver: 'RFC2136_NAMESERVER',
    tsig_key_name: 'RFC2136_TSIG_KEY',
    tsig_algorithm: 'RFC2136_TSIG_ALGORITHM',
    tsig_secret: 'RFC2136_TSIG_SECRET',
    ttl: 'RFC2136_TTL',
    timeout_ms: 'RFC2136_TIMEOUT_MS',
  },
  secrets: ['tsig_secret'],
  // certbot wants HMAC-SHA256, named.conf says hmac-sha256: accept both, any case, trailing dot
  normalize: (config) => {
    if (typeof config.tsig_algorithm === 'string')
      config.tsig_algorithm = config.tsig_algorithm.toLowerCase().replace(/\.$/, '');
  },
  create: (config) => new Rfc2136Provider(config as unknown as Rfc2136Config),
};
