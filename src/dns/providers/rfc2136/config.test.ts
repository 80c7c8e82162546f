// rfc2136's configuration, table-driven with exact messages [lego providers' config tests].
import { describe } from 'vitest';
import { configTable } from '../../../../test/helpers/provider-config.js';

const ok = { nameserver: '127.0.0.1:53' };

describe('rfc2136 config', () => {
  configTable('rfc2136', [
    { name: 'minimal, defaults filled', config: ok, want: { ttl: 60, tsig_algorithm: 'hmac-sha256' } },
    {
      name: 'nsupdate-style upper-case algorithm is accepted',
      config: { ...ok, tsig_key_name: 'k', tsig_secret: 'dGVzdGtleQ==', tsig_algorithm: 'HMAC-SHA512' },
      want: { tsig_algorithm: 'hmac-sha512' },
    },
    {
      name: 'from the environment only',
      config: {},
      env: { RFC2136_NAMESERVER: '10.0.0.1', RFC2136_TTL: '120' },
      want: { nameserver: '10.0.0.1', ttl: 120 },
    },
    {
      name: 'the block wins over the environment',
      config: { nameserver: '10.0.0.2', ttl: 30 },
      env: { RFC2136_NAMESERVER: '10.0.0.1', RFC2136_TTL: '120' },
      want: { nameserver: '10.0.0.2', ttl: 30 },
    },
    {
      name: 'missing key',
      config: {},
      error: 'rfc2136: missing required key "nameserver"; or set RFC2136_NAMESERVER',
    },
    {
      name: 'unknown key and bad type',
      config: { ...ok, ttl: '60s', port: 53 },
      error:
        'rfc2136: unknown key "port" (known: nameserver, tsig_key_name, tsig_algorithm, tsig_secret, ttl, timeout_ms)\nrfc2136: ttl: must be integer',
    },
    {
      name: 'bad value from the environment names the variable',
      config: ok,
      env: { RFC2136_TTL: 'soon' },
      error: 'rfc2136: ttl (from RFC2136_TTL): must be integer',
    },
    {
      name: 'key name without a secret',
      config: { ...ok, tsig_key_name: 'k' },
      error:
        'rfc2136: missing required key "tsig_secret" (needed with tsig_key_name); or set RFC2136_TSIG_SECRET',
    },
    {
      name: 'secret that is not base64',
      config: { ...ok, tsig_key_name: 'k', tsig_secret: 'not base64!' },
      error: 'rfc2136: tsig_secret: must be base64',
    },
    {
      name: 'algorithm bind9 does not offer',
      config: { ...ok, tsig_algorithm: 'hmac-md5' },
      error:
        'rfc2136: tsig_algorithm: must be one of "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512"',
    },
    {
      name: 'bad server address',
      config: { nameserver: 'ns1 :53' },
      error: 'rfc2136: nameserver: must be "ip" or "ip:port" ("[v6]:port")',
    },
  ]);
});
