/**
 * route53 implementation: a name holds ONE record set in a hosted zone, so present UPSERTs the set with our value merged into the existing ones, and cleanup UPSERTs what remains (or
 * DELETEs the set, matching it exactly, when only ours was left); each change is awaited until
 * GetChange says INSYNC. https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html
 */
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { DnsProviderError } from '../../../errors.js';
import { redact } from '../../../output/redact.js';
import { sleep } from '../../propagation.js';
import type { DnsChallenge, DnsProvider } from '../../provider.js';
import { canonical } from '../../resolver.js';
import { quoteTxt, unquoteTxt } from './txt.js';

/** The route53 config after validation. */
export interface Route53Config {
  access_key_id?: string;
  secret_access_key?: string;
  session_token?: string;
  region: string;
  endpoint?: string;
  hosted_zone_id?: string;
  ttl: number;
  max_attempts: number;
  change_timeout_ms: number;
  change_interval_ms: number;
}

/** The provider itself (loaded on first use: the AWS SDK takes a while to import). */
export class Route53Provider implements DnsProvider {
  private readonly client: Route53Client;
  private readonly zoneIds = new Map<string, string>();

  constructor(private readonly cfg: Route53Config) {
    this.client = new Route53Client({
      region: cfg.region,
      endpoint: cfg.endpoint,
      maxAttempts: cfg.max_attempts,
      credentials:
        cfg.access_key_id && cfg.secret_access_key
          ? {
              accessKeyId: cfg.access_key_id,
              secretAccessKey: cfg.secret_access_key,
              sessionToken: cfg.session_token,
            }
          : undefined,
    });
  }

  /** SDK errors → `route53: <what>: <Code>: <message>` (redacted). */
  private async send<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof DnsProviderError) throw err;
      const e = err as Error & { name?: string; messages?: string[] };
      const detail = e.messages?.length ? e.messages.join('; ') : e.message;
      throw new DnsProviderError(redact(`route53: ${what}: ${e.name ?? 'Error'}: ${detail}`), { cause: err });
    }
  }

  private async zoneId(zone: string, signal: AbortSignal): Promise<string> {
    if (this.cfg.hosted_zone_id) return this.cfg.hosted_zone_id;
    const name = canonical(zone);
    const cached = this.zoneIds.get(name);
    if (cached) return cached;
    const out = await this.send(`finding the hosted zone ${name}`, () =>
      this.client.send(new ListHostedZonesByNameCommand({ DNSName: name, MaxItems: 10 }), {
        abortSignal: signal,
      }),
    );
    // the list starts AT the name but goes on with the following zones: match exactly, prefer public
    const matches = (out.HostedZones ?? []).filter((z) => canonical(z.Name ?? '') === name);
    const zoneEntry = matches.find((z) => !z.Config?.PrivateZone) ?? matches[0];
    if (!zoneEntry?.Id)
      throw new DnsProviderError(`route53: no hosted zone named ${name} (set hosted_zone_id?)`);
    const id = zoneEntry.Id.replace(/^\/hostedzone\//, '');
    this.zoneIds.set(name, id);
    return id;
  }

  private async currentSet(
    zoneId: string,
    fqdn: string,
    signal: AbortSignal,
  ): Promise<ResourceRecordSet | undefined> {
    const out = await this.send(`listing TXT records of ${fqdn}`, () =>
      this.client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: fqdn,
          StartRecordType: 'TXT',
          MaxItems: 1,
        }),
        { abortSignal: signal },
      ),
    );
    const set = out.ResourceRecordSets?.[0];
    return set && set.Type === 'TXT' && canonical(set.Name ?? '') === canonical(fqdn) ? set : undefined;
  }

  private async change(
    zoneId: string,
    action: 'UPSERT' | 'DELETE',
    set: ResourceRecordSet,
    signal: AbortSignal,
  ): Promise<void> {
    const what = `${action} of TXT ${set.Name}`;
    const out = await this.send(what, () =>
      this.client.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: { Comment: 'certfleet DNS-01', Changes: [{ Action: action, ResourceRecordSet: set }] },
        }),
        { abortSignal: signal },
      ),
    );
    const id = out.ChangeInfo?.Id ?? '';
    let status = out.ChangeInfo?.Status;
    const deadline = Date.now() + this.cfg.change_timeout_ms;
    while (status !== 'INSYNC') {
      if (Date.now() >= deadline) {
        throw new DnsProviderError(
          `route53: ${what}: change ${id} still ${status ?? 'unknown'} after ${this.cfg.change_timeout_ms / 1000}s (GetChange never said INSYNC)`,
        );
      }
      await sleep(this.cfg.change_interval_ms, signal);
      const got = await this.send(`waiting for change ${id}`, () =>
        this.client.send(new GetChangeCommand({ Id: id }), { abortSignal: signal }),
      );
      status = got.ChangeInfo?.Status;
    }
  }

  async present(ch: DnsChallenge, signal: AbortSignal): Promise<void> {
    const zoneId = await this.zoneId(ch.zone, signal);
    const existing = await this.currentSet(zoneId, ch.fqdn, signal);
    const values = (existing?.ResourceRecords ?? []).map((r) => r.Value ?? '');
    if (values.some((v) => unquoteTxt(v) === ch.value)) return;
    await this.change(
      zoneId,
      'UPSERT',
      {
        Name: ch.fqdn,
        Type: 'TXT',
        TTL: existing?.TTL ?? this.cfg.ttl,
        ResourceRecords: [...values, quoteTxt(ch.value)].map((Value) => ({ Value })),
      },
      signal,
    );
  }

  async cleanup(ch: DnsChallenge, signal: AbortSignal): Promise<void> {
    const zoneId = await this.zoneId(ch.zone, signal);
    const existing = await this.currentSet(zoneId, ch.fqdn, signal);
    const values = (existing?.ResourceRecords ?? []).map((r) => r.Value ?? '');
    const rest = values.filter((v) => unquoteTxt(v) !== ch.value);
    if (!existing || rest.length === values.length) return; // already gone
    if (rest.length) {
      await this.change(
        zoneId,
        'UPSERT',
        { ...existing, ResourceRecords: rest.map((Value) => ({ Value })) },
        signal,
      );
    } else {
      // DELETE must repeat the current set exactly (name, type, TTL, every value)
      await this.change(zoneId, 'DELETE', existing, signal);
    }
  }
}
