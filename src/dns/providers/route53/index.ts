/**
 * route53: TXT records in an AWS Route 53 hosted zone (see provider.ts). The registry entry stays
 * light: the AWS SDK is imported only when a route53 challenge is actually presented.
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html
 */
import type { ProviderDef } from '../../config.js';
import type { DnsChallenge, DnsProvider } from '../../provider.js';
import type { Route53Config, Route53Provider } from './provider.js';

/** Defers loading the SDK until the first call. */
class LazyRoute53 implements DnsProvider {
  private impl?: Promise<Route53Provider>;
  constructor(private readonly cfg: Route53Config) {}

  private load(): Promise<Route53Provider> {
    // The SDK prints a multi-line notice about its future Node requirement on every run; certfleet
    // states its own requirements (README) and keeps one line per message
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.impl ??= import('./provider.js').then((m) => new m.Route53Provider(this.cfg));
    return this.impl;
  }

  async present(ch: DnsChallenge, signal: AbortSignal): Promise<void> {
    await (await this.load()).present(ch, signal);
  }

  async cleanup(ch: DnsChallenge, signal: AbortSignal): Promise<void> {
    await (await this.load()).cleanup(ch, signal);
  }
}

/** Registry entry. */
export const route53: ProviderDef = {
  code: 'route53',
  description: 'AWS Route 53 (record sets merged, changes awaited until INSYNC)',
  docs: 'https://docs.aws.amazon.com/Route53/latest/APIReference/',
  schema: {
    type: 'object',
    properties: {
      access_key_id: {
        type: 'string',
        description: 'AWS access key id (else the SDK default chain)',
        minLength: 1,
      },
      secret_access_key: { type: 'string', description: 'AWS secret access key', minLength: 1 },
      session_token: { type: 'string', description: 'AWS session token', minLength: 1 },
      region: {
        type: 'string',
        description: 'region used to sign (Route 53 is global)',
        default: 'us-east-1',
      },
      endpoint: {
        type: 'string',
        description: 'API endpoint URL (tests, compatible services)',
        pattern: '^https?://',
        errorMessage: 'must be an http(s):// URL',
      },
      hosted_zone_id: {
        type: 'string',
        description: 'hosted zone id (skips the lookup by name)',
        minLength: 1,
      },
      ttl: {
        type: 'integer',
        description: 'TTL of a new TXT record set (s)',
        minimum: 1,
        maximum: 86400,
        default: 10,
      },
      max_attempts: {
        type: 'integer',
        description: 'SDK attempts per call (throttling is retried)',
        minimum: 1,
        default: 5,
      },
      change_timeout_ms: {
        type: 'integer',
        description: 'how long to wait for INSYNC (ms)',
        minimum: 100,
        default: 120000,
      },
      change_interval_ms: {
        type: 'integer',
        description: 'GetChange polling interval (ms)',
        minimum: 10,
        default: 4000,
      },
    },
    dependencies: { access_key_id: ['secret_access_key'], secret_access_key: ['access_key_id'] },
    additionalProperties: false,
  },
  env: {
    access_key_id: 'AWS_ACCESS_KEY_ID',
    secret_access_key: 'AWS_SECRET_ACCESS_KEY',
    session_token: 'AWS_SESSION_TOKEN',
    region: 'AWS_REGION',
    endpoint: 'AWS_ENDPOINT_URL_ROUTE_53',
    hosted_zone_id: 'AWS_HOSTED_ZONE_ID',
    ttl: 'AWS_TTL',
    max_attempts: 'AWS_MAX_ATTEMPTS',
    change_timeout_ms: 'AWS_PROPAGATION_TIMEOUT_MS',
    change_interval_ms: 'AWS_POLLING_INTERVAL_MS',
  },
  secrets: ['secret_access_key', 'session_token'],
  create: (config) => new LazyRoute53(config as unknown as Route53Config),
};
