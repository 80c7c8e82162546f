/**
 * What the DNS-provider fault rows (10, 12, 13) share: the OVH and Route53 fakes of `test/fakes/`
 * wired to the fleet lab's bind9 (their record changes land there through RFC 2136, as the real
 * APIs' changes reach the real nameservers), the `acme_dns` blocks that point `site.yml` at them,
 * a knob that makes every second OVH request fail, the recap counts and the error lines of a run.
 */
import { openStore } from '../../src/store/file-store.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dnsJournal, type JournalEntry } from '../../src/dns/journal.js';
import { startOvhFake, type OvhFake } from '../fakes/ovh-server.js';
import { startRoute53Fake, type Route53Fake } from '../fakes/route53-server.js';
import { bindUpdateTarget, type FleetLab } from './fleet-lab.js';

/** Credentials the fakes accept (and that must never appear in any output). */
export const OVH_CREDS = {
  applicationKey: 'row12-application-key',
  applicationSecret: 'row12-application-secret-5f1e7a',
  consumerKey: 'row12-consumer-key-9c2d4b',
};
export const AWS_KEYS = {
  accessKeyId: 'AKIAROW13FAULTS',
  secretAccessKey: 'row13-aws-secret-key-7d8e9f0a1b',
};

/** Both fakes, the `acme_dns` blocks that use them, and the environment the CLI needs for OVH. */
export interface ProviderFakes {
  ovh: OvhFake;
  route53: Route53Fake;
  /** `NODE_EXTRA_CA_CERTS`: the ovh client has no CA option and the fake's certificate is self-signed */
  env: Record<string, string>;
  ovhDns(extra?: Record<string, unknown>): Record<string, unknown>;
  route53Dns(extra?: Record<string, unknown>): Record<string, unknown>;
  stop(): Promise<void>;
}

/** Start the OVH and Route53 fakes on the fleet lab's bind9 (zone example.test). */
export async function startProviderFakes(f: FleetLab): Promise<ProviderFakes> {
  const bind9 = bindUpdateTarget(f);
  const ovh = await startOvhFake({ zones: ['example.test'], bind9, ...OVH_CREDS });
  const route53 = await startRoute53Fake({ zones: ['example.test'], bind9, ...AWS_KEYS }).catch(
    async (err: unknown) => {
      await ovh.stop();
      throw err;
    },
  );
  const caFile = join(f.dir, 'ovh-fake-ca.pem');
  writeFileSync(caFile, ovh.ca);
  // the lab's own settings: SOA walk and propagation through bind9, not the system resolver
  const { nameservers, authoritative_override, propagation_timeout, propagation_interval } = f.rfc2136;
  const lookup = { nameservers, authoritative_override, propagation_timeout, propagation_interval };
  return {
    ovh,
    route53,
    env: { NODE_EXTRA_CA_CERTS: caFile },
    ovhDns: (extra = {}) => ({
      provider: 'ovh',
      endpoint: ovh.url,
      application_key: OVH_CREDS.applicationKey,
      application_secret: OVH_CREDS.applicationSecret,
      consumer_key: OVH_CREDS.consumerKey,
      backoff_ms: 50,
      ...lookup,
      ...extra,
    }),
    route53Dns: (extra = {}) => ({
      provider: 'route53',
      endpoint: route53.endpoint,
      access_key_id: AWS_KEYS.accessKeyId,
      secret_access_key: AWS_KEYS.secretAccessKey,
      change_interval_ms: 50,
      change_timeout_ms: 1500,
      ...lookup,
      ...extra,
    }),
    stop: async () => {
      await ovh.stop();
      await route53.stop();
    },
  };
}

/**
 * Make every second request to the OVH fake answer 500 (its `failNext` knob re-armed after each
 * answered request). The fake logs a request when its answer is sent, before the client can send
 * the next one, so the pattern is exact. Returns the function that stops it.
 */
export function failEverySecondRequest(ovh: OvhFake): () => void {
  const log = ovh.requests;
  log.push = (...items) => {
    const n = Array.prototype.push.apply(log, items);
    if (n % 2 === 1) ovh.knobs.failNext = 1;
    return n;
  };
  return () => {
    delete (log as { push?: unknown }).push;
    ovh.knobs.failNext = 0;
  };
}

/** Per-host recap counts of a run. */
export type Recap = Record<string, { ok: number; changed: number; failed: number; unreachable: number }>;

/** The PLAY RECAP lines of a run's output. */
export function recap(out: string): Recap {
  const seen: Recap = {};
  for (const m of out.matchAll(/^(\S+)\s*: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm)) {
    seen[m[1]] = { ok: +m[2], changed: +m[3], unreachable: +m[4], failed: +m[5] };
  }
  return seen;
}

/** The lines a user reads as the run's errors (task failures, fatal, the top-level handler). */
export function failureLines(out: string): string[] {
  return out.split('\n').filter((l) => /^(failed|fatal):|^certfleet: error:/.test(l));
}

/** The DNS cleanup journal of the lab's state dir: values that may still be in DNS. */
export function journal(f: FleetLab): Promise<JournalEntry[]> {
  return dnsJournal(openStore(f.stateDir)).read();
}
