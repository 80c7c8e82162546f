// route53's configuration, table-driven with exact messages [lego providers' config tests].
import { describe } from 'vitest';
import { configTable } from '../../../../test/helpers/provider-config.js';

describe('route53 config', () => {
  configTable('route53', [
    { name: 'the SDK default chain, defaults filled', config: {}, want: { region: 'us-east-1', ttl: 10 } },
    {
      name: "AWS's own variables",
      config: {},
      env: { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 'secret-from-env', AWS_MAX_ATTEMPTS: '3' },
      want: { access_key_id: 'AKIA', max_attempts: 3 },
    },
    {
      name: 'the block wins over the environment',
      config: { region: 'eu-west-3', hosted_zone_id: 'Z1' },
      env: { AWS_REGION: 'us-west-2', AWS_HOSTED_ZONE_ID: 'Z2' },
      want: { region: 'eu-west-3', hosted_zone_id: 'Z1' },
    },
    {
      name: 'half the credentials and a bad ttl',
      config: { access_key_id: 'AKIA', ttl: 0 },
      error:
        'route53: missing required key "secret_access_key" (needed with access_key_id); or set AWS_SECRET_ACCESS_KEY\nroute53: ttl: must be >= 1',
    },
    {
      name: 'an endpoint that is not a URL',
      config: { endpoint: 'localhost:9000' },
      error: 'route53: endpoint: must be an http(s):// URL',
    },
    {
      name: 'bad value from the environment names the variable',
      config: {},
      env: { AWS_TTL: 'ten' },
      error: 'route53: ttl (from AWS_TTL): must be integer',
    },
  ]);
});
