// Provider configs: table-driven, exact messages [lego providers' config tests].
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../config/yaml.js';
import { ConfigError } from '../errors.js';
import { redact } from '../output/redact.js';
import { withDnsChallenges } from './dns01.js';
import { createProvider, knownCodes, providerDef } from './registry.js';

const rfcOk = { nameserver: '127.0.0.1:53' };
const ovhOk = { application_key: 'ak', application_secret: 'as-secret-1', consumer_key: 'ck-secret-1' };

const cases: {
  name: string;
  code: string;
  config: Record<string, unknown>;
  env?: Record<string, string>;
  error?: string;
}[] = [
  { name: 'rfc2136 minimal', code: 'rfc2136', config: rfcOk },
  {
    name: 'nsupdate alias, upper-case algorithm',
    code: 'NSUPDATE',
    config: { ...rfcOk, tsig_key_name: 'k', tsig_secret: 'dGVzdGtleQ==', tsig_algorithm: 'HMAC-SHA512' },
  },
  {
    name: 'rfc2136 from env only',
    code: 'rfc2136',
    config: {},
    env: { RFC2136_NAMESERVER: '10.0.0.1', RFC2136_TTL: '120' },
  },
  {
    name: 'rfc2136 missing key',
    code: 'rfc2136',
    config: {},
    error: 'rfc2136: missing required key "nameserver"; or set RFC2136_NAMESERVER',
  },
  {
    name: 'rfc2136 unknown key and bad type',
    code: 'rfc2136',
    config: { ...rfcOk, ttl: '60s', port: 53 },
    error:
      'rfc2136: unknown key "port" (known: nameserver, tsig_key_name, tsig_algorithm, tsig_secret, ttl, timeout_ms)\nrfc2136: ttl: must be integer',
  },
  {
    name: 'rfc2136 bad env value',
    code: 'rfc2136',
    config: rfcOk,
    env: { RFC2136_TTL: 'soon' },
    error: 'rfc2136: ttl (from RFC2136_TTL): must be integer',
  },
  {
    name: 'rfc2136 key without secret',
    code: 'rfc2136',
    config: { ...rfcOk, tsig_key_name: 'k' },
    error:
      'rfc2136: missing required key "tsig_secret" (needed with tsig_key_name); or set RFC2136_TSIG_SECRET',
  },
  {
    name: 'rfc2136 bad secret',
    code: 'rfc2136',
    config: { ...rfcOk, tsig_key_name: 'k', tsig_secret: 'not base64!' },
    error: 'rfc2136: tsig_secret: must be base64',
  },
  {
    name: 'rfc2136 bad algorithm',
    code: 'rfc2136',
    config: { ...rfcOk, tsig_algorithm: 'hmac-md5' },
    error:
      'rfc2136: tsig_algorithm: must be one of "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512"',
  },
  {
    name: 'rfc2136 bad server',
    code: 'rfc2136',
    config: { nameserver: 'ns1 :53' },
    error: 'rfc2136: nameserver: must be "ip" or "ip:port" ("[v6]:port")',
  },
  { name: 'ovh minimal', code: 'ovh', config: ovhOk },
  { name: 'ovh custom endpoint', code: 'ovh', config: { ...ovhOk, endpoint: 'https://127.0.0.1:8443/1.0' } },
  {
    name: 'ovh missing keys, bad endpoint, bad type',
    code: 'ovh',
    config: { endpoint: 'ovh-xx', application_key: 1 },
    error:
      'ovh: missing required key "application_secret"; or set OVH_APPLICATION_SECRET\novh: missing required key "consumer_key"; or set OVH_CONSUMER_KEY\novh: endpoint: must be one of ovh-eu, ovh-ca, ovh-us, kimsufi-eu, kimsufi-ca, soyoustart-eu, soyoustart-ca or an https:// URL\novh: application_key: must be string',
  },
  {
    name: 'ovh unknown key',
    code: 'ovh',
    config: { ...ovhOk, zone: 'x' },
    error:
      'ovh: unknown key "zone" (known: endpoint, application_key, application_secret, consumer_key, ttl, timeout_ms, retries, backoff_ms)',
  },
  { name: 'route53 default chain', code: 'route53', config: {} },
  {
    name: 'route53 from env',
    code: 'route53',
    config: {},
    env: { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 'secret-from-env', AWS_MAX_ATTEMPTS: '3' },
  },
  {
    name: 'route53 half credentials and bad ttl',
    code: 'route53',
    config: { access_key_id: 'AKIA', ttl: 0 },
    error:
      'route53: missing required key "secret_access_key" (needed with access_key_id); or set AWS_SECRET_ACCESS_KEY\nroute53: ttl: must be >= 1',
  },
  {
    name: 'route53 bad endpoint',
    code: 'route53',
    config: { endpoint: 'localhost:9000' },
    error: 'route53: endpoint: must be an http(s):// URL',
  },
  { name: 'exec minimal', code: 'exec', config: { command: '/usr/local/bin/dns-hook' } },
  {
    name: 'exec missing',
    code: 'exec',
    config: {},
    error: 'exec: missing required key "command"; or set EXEC_PATH',
  },
  {
    name: 'exec bad timeout',
    code: 'exec',
    config: { command: '/x', timeout_ms: 1.5 },
    error: 'exec: timeout_ms: must be integer\nexec: timeout_ms: must be >= 100',
  },
];

describe('provider config', () => {
  it.each(cases)('$name', ({ code, config, env, error }) => {
    const run = (): unknown => createProvider(code, config, { env: env ?? {} });
    if (!error) {
      expect(run()).toBeDefined();
      return;
    }
    let err: unknown;
    try {
      run();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(error);
    expect((err as ConfigError).exitCode).toBe(4);
  });

  it('fails on an unknown code, listing the known ones', () => {
    expect(() => createProvider('cloudflare', {})).toThrow(
      'dns: unknown provider "cloudflare" (known: exec, nsupdate, ovh, rfc2136, route53)',
    );
    expect(knownCodes()).toEqual(['exec', 'nsupdate', 'ovh', 'rfc2136', 'route53']);
    expect(providerDef('nsupdate').code).toBe('rfc2136');
  });

  it('registers secrets (from config and env) so that no output shows them', () => {
    const secret = 'c3VwZXItc2VjcmV0LXRzaWc=';
    const envSecret = 'aws-secret-from-the-environment';
    expect(() =>
      createProvider('rfc2136', { ...rfcOk, tsig_key_name: 'k', tsig_secret: secret, ttl: 'x' }, { env: {} }),
    ).toThrow('rfc2136: ttl: must be integer');
    createProvider('route53', {}, { env: { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: envSecret } });
    expect(redact(`key ${secret} and ${envSecret}`)).toBe('key ******** and ********');
  });

  it('locates problems in the playbook the config came from', async () => {
    const doc = parseYaml(
      'dns:\n  provider: rfc2136\n  config:\n    nameserver: 127.0.0.1\n    ttl: sixty\n    colour: blue\n',
      'site.yml',
    );
    const root = doc.value as { dns: { config: Record<string, unknown> } };
    let err: ConfigError | undefined;
    try {
      createProvider('rfc2136', root.dns.config, { env: {}, origin: { root, prefix: ['dns', 'config'] } });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err?.format()).toBe(
      'site.yml:5:10: rfc2136: ttl: must be integer\nsite.yml:6:5: rfc2136: unknown key "colour" (known: nameserver, tsig_key_name, tsig_algorithm, tsig_secret, ttl, timeout_ms)',
    );
    // the same through the DNS-01 core (before any DNS traffic)
    const viaCore = withDnsChallenges(
      [{ domain: 'example.test', value: 'v' }],
      { provider: 'rfc2136', config: root.dns.config, configOrigin: { root, prefix: ['dns', 'config'] } },
      () => Promise.resolve(1),
    );
    await expect(viaCore).rejects.toThrow(ConfigError);
    await expect(viaCore).rejects.toMatchObject({
      source: undefined,
      issues: [{ source: { file: 'site.yml', line: 5, col: 10 } }, {}],
    });
  });
});
