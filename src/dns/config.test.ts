// The provider registry and what every provider config shares: unknown codes, secrets registered
// for redaction, problems located in the playbook. Each provider's own table is beside its code.
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../config/yaml.js';
import { ConfigError } from '../errors.js';
import { redact } from '../output/redact.js';
import { withDnsChallenges } from './dns01.js';
import { createProvider, knownCodes, providerDef } from './registry.js';

const rfcOk = { nameserver: '127.0.0.1:53' };

describe('provider config', () => {
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
