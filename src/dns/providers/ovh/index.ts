/**
 * ovh: TXT records through the OVHcloud API (also Kimsufi and So you Start).
 * POST /domain/zone/{zone}/record, then POST /domain/zone/{zone}/refresh (changes reach the
 * nameservers only after a refresh); cleanup finds our record by value and deletes it by id.
 * https://eu.api.ovh.com/console/?section=%2Fdomain&branch=v1
 */
import type { ProviderDef } from '../../config.js';
import type { DnsChallenge, DnsProvider } from '../../provider.js';
import { OVH_ENDPOINTS, ovhApi, type OvhApi } from './client.js';

/** The ovh config after validation. */
export interface OvhConfig {
  endpoint: string;
  application_key: string;
  application_secret: string;
  consumer_key: string;
  ttl: number;
  timeout_ms: number;
  retries: number;
  backoff_ms: number;
}

interface OvhRecord {
  id: number;
  fieldType: string;
  subDomain: string;
  target: string;
  ttl?: number;
}

/** `_acme-challenge.www` for `_acme-challenge.www.example.com.` in zone `example.com.` */
export function subDomainOf(fqdn: string, zone: string): string {
  const f = fqdn.toLowerCase().replace(/\.$/, '');
  const z = zone.toLowerCase().replace(/\.$/, '');
  if (f === z) return '';
  if (!f.endsWith(`.${z}`)) throw new Error(`ovh: ${fqdn} is not inside zone ${zone}`);
  return f.slice(0, -(z.length + 1));
}

/** TXT targets may come back quoted from the API: compare the bare value. */
function unquote(target: string): string {
  return target.length >= 2 && target.startsWith('"') && target.endsWith('"') ? target.slice(1, -1) : target;
}

class OvhProvider implements DnsProvider {
  private readonly api: OvhApi;
  constructor(private readonly cfg: OvhConfig) {
    this.api = ovhApi({
      endpoint: cfg.endpoint,
      applicationKey: cfg.application_key,
      applicationSecret: cfg.application_secret,
      consumerKey: cfg.consumer_key,
      timeoutMs: cfg.timeout_ms,
      retries: cfg.retries,
      backoffMs: cfg.backoff_ms,
    });
  }

  private zoneName(ch: DnsChallenge): string {
    return ch.zone.replace(/\.$/, '');
  }

  async present(ch: DnsChallenge, signal: AbortSignal): Promise<void> {
    const zone = this.zoneName(ch);
    const subDomain = subDomainOf(ch.fqdn, ch.zone);
    // POST adds one record: values already at this name (apex + wildcard) stay
    await this.api.call<OvhRecord>(
      'POST',
      `/domain/zone/${zone}/record`,
      { fieldType: 'TXT', subDomain, target: ch.value, ttl: this.cfg.ttl },
      signal,
    );
    await this.api.call('POST', `/domain/zone/${zone}/refresh`, undefined, signal);
  }

  async cleanup(ch: DnsChallenge, signal: AbortSignal): Promise<void> {
    const zone = this.zoneName(ch);
    const subDomain = subDomainOf(ch.fqdn, ch.zone);
    const ids = await this.api.call<number[]>(
      'GET',
      `/domain/zone/${zone}/record`,
      { fieldType: 'TXT', subDomain },
      signal,
    );
    let removed = 0;
    for (const id of ids ?? []) {
      const rec = await this.api.call<OvhRecord>(
        'GET',
        `/domain/zone/${zone}/record/${id}`,
        undefined,
        signal,
      );
      if (unquote(rec.target) !== ch.value) continue;
      await this.api.call('DELETE', `/domain/zone/${zone}/record/${id}`, undefined, signal);
      removed++;
    }
    // nothing of ours left: already gone, nothing to refresh
    if (removed) await this.api.call('POST', `/domain/zone/${zone}/refresh`, undefined, signal);
  }
}

/** Registry entry. */
export const ovhProvider: ProviderDef = {
  code: 'ovh',
  description: 'OVHcloud API (also Kimsufi, So you Start)',
  docs: 'https://eu.api.ovh.com/console/',
  schema: {
    type: 'object',
    properties: {
      endpoint: {
        type: 'string',
        description: `API: ${OVH_ENDPOINTS.join(', ')}, or an https:// URL (host:port/basePath)`,
        pattern: `^(${OVH_ENDPOINTS.join('|')}|https://[^/\\s]+(/\\S*)?)$`,
        errorMessage: `must be one of ${OVH_ENDPOINTS.join(', ')} or an https:// URL`,
        default: 'ovh-eu',
      },
      application_key: { type: 'string', description: 'application key', minLength: 1 },
      application_secret: { type: 'string', description: 'application secret', minLength: 1 },
      consumer_key: {
        type: 'string',
        description: 'consumer key (see `certfleet ovh credentials`)',
        minLength: 1,
      },
      ttl: {
        type: 'integer',
        description: 'TTL of the TXT records (s)',
        minimum: 60,
        maximum: 86400,
        default: 60,
      },
      timeout_ms: { type: 'integer', description: 'HTTP timeout (ms)', minimum: 100, default: 30000 },
      retries: {
        type: 'integer',
        description: 'attempts on 5xx/429/network errors',
        minimum: 1,
        maximum: 10,
        default: 4,
      },
      backoff_ms: {
        type: 'integer',
        description: 'first retry delay, doubled each time (ms)',
        minimum: 10,
        default: 500,
      },
    },
    required: ['application_key', 'application_secret', 'consumer_key'],
    additionalProperties: false,
  },
  secrets: ['application_secret', 'consumer_key'],
  create: (config) => new OvhProvider(config as unknown as OvhConfig),
};
