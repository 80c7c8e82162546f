/**
 * `acme_certificate`: obtain or renew a certificate over ACME DNS-01 on the control node and keep
 * it in the certificate store (`state_dir`, else `certfleet_state_dir`, else `.certfleet/` beside the
 * playbook). Idempotent: no order while the stored certificate covers the domains with the wanted
 * key type and is outside its renewal window. Check mode decides from the store (and the read-only ARI window) only.
 */
import { resolve } from 'node:path';
import { KEY_TYPES, type KeyType } from '../acme/crypto.js';
import { dnsParamsSchema, type DnsParams } from '../acme/dns-params.js';
import type * as ObtainModule from '../acme/obtain.js';
import { taskStore } from './lib/state.js';
import type { ModuleDef } from './types.js';

/** Parameters of `acme_certificate`. */
export interface AcmeCertificateParams {
  name: string;
  domains: string[];
  directory: string;
  email?: string;
  account_key_type?: KeyType;
  key_type?: KeyType;
  profile?: string;
  eab?: { kid: string; hmac_key: string };
  preferred_chain?: string;
  challenge?: 'dns-01';
  dns: DnsParams;
  renew?: { ari?: boolean; fraction?: number; force?: boolean };
  state_dir?: string;
  ca_bundle?: string;
  /** longest Retry-After (seconds) worth waiting on a rate limit (default 60) */
  max_retry_after?: number;
}

const keyType = { type: 'string', enum: [...KEY_TYPES] };

/** The `acme_certificate` module. */
export const acmeCertificateModule: ModuleDef<AcmeCertificateParams> = {
  name: 'acme_certificate',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'domains', 'directory', 'dns'],
    properties: {
      name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
      domains: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      directory: { type: 'string', minLength: 1 },
      email: { type: 'string' },
      account_key_type: keyType,
      key_type: keyType,
      profile: { type: 'string' },
      eab: {
        type: 'object',
        additionalProperties: false,
        required: ['kid', 'hmac_key'],
        properties: { kid: { type: 'string' }, hmac_key: { type: 'string' } },
      },
      preferred_chain: { type: 'string' },
      challenge: { type: 'string', enum: ['dns-01'] },
      dns: dnsParamsSchema,
      renew: {
        type: 'object',
        additionalProperties: false,
        properties: {
          ari: { type: 'boolean' },
          fraction: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
          force: { type: 'boolean' },
        },
      },
      state_dir: { type: 'string' },
      ca_bundle: { type: 'string' },
      max_retry_after: { type: 'integer', minimum: 0 },
    },
  },
  checkMode: 'full',
  diffMode: 'none',
  // `dns` holds provider credentials (tsig_secret, API keys): never print the block
  secretParams: ['eab', 'dns'],
  controlNode: true,
  async run(ctx) {
    const p = ctx.params;
    const base = ctx.playbookDir || process.cwd();
    const store = taskStore(p.state_dir, ctx);
    // the ACME client stack loads only when this module runs (it is heavy; every CLI start would pay)
    const { obtainCertificate }: typeof ObtainModule = await import('../acme/obtain.js');
    const res = await obtainCertificate(
      store,
      {
        name: p.name,
        domains: p.domains,
        directory: p.directory,
        email: p.email,
        accountKeyType: p.account_key_type,
        keyType: p.key_type,
        profile: p.profile,
        eab: p.eab ? { kid: p.eab.kid, hmacKey: p.eab.hmac_key } : undefined,
        preferredChain: p.preferred_chain,
        renew: p.renew,
        caBundleFile: p.ca_bundle ? resolve(base, p.ca_bundle) : undefined,
        dns: p.dns,
        maxRetryAfterSec: p.max_retry_after,
      },
      {
        check: ctx.check,
        signal: ctx.signal,
        // the DNS layer's warnings (a cleanup that failed: records left, kept in the journal) reach
        // the user; its other lines are details
        log: (m) => {
          if (m.startsWith('[WARNING]: ')) ctx.warn(m.slice(11));
        },
      },
    );
    const verb = ctx.check
      ? { issue: 'would issue', renew: 'would renew', none: 'up to date' }[res.action]
      : { issue: 'issued', renew: 'renewed', none: 'up to date' }[res.action];
    return {
      changed: res.changed,
      msg: `${p.name}: ${verb} (${res.reason})`,
      data: {
        name: p.name,
        domains: p.domains,
        paths: res.paths,
        serial: res.meta?.serial,
        not_after: res.meta?.not_after,
        issuer: res.meta?.issuer,
        renew_at: res.renewAt,
        changed: res.changed,
        action: res.action,
        reason: res.reason,
      },
    };
  },
};
