// ovh's configuration, table-driven with exact messages [lego providers' config tests].
import { describe } from 'vitest';
import { configTable } from '../../../../test/helpers/provider-config.js';

const ok = { application_key: 'ak', application_secret: 'as-secret-1', consumer_key: 'ck-secret-1' };

describe('ovh config', () => {
  configTable('ovh', [
    { name: 'minimal, defaults filled', config: ok, want: { endpoint: 'ovh-eu', ttl: 60, retries: 4 } },
    {
      name: 'a custom https endpoint',
      config: { ...ok, endpoint: 'https://127.0.0.1:8443/1.0' },
      want: { endpoint: 'https://127.0.0.1:8443/1.0' },
    },
    {
      name: 'credentials from the environment',
      config: {},
      env: {
        OVH_APPLICATION_KEY: 'ak',
        OVH_APPLICATION_SECRET: 'as',
        OVH_CONSUMER_KEY: 'ck',
        OVH_TTL: '300',
      },
      want: { application_key: 'ak', consumer_key: 'ck', ttl: 300 },
    },
    {
      name: 'the block wins over the environment',
      config: { ...ok, endpoint: 'ovh-ca' },
      env: { OVH_ENDPOINT: 'kimsufi-eu', OVH_APPLICATION_KEY: 'other' },
      want: { endpoint: 'ovh-ca', application_key: 'ak' },
    },
    {
      name: 'missing keys, bad endpoint, bad type',
      config: { endpoint: 'ovh-xx', application_key: 1 },
      error:
        'ovh: missing required key "application_secret"; or set OVH_APPLICATION_SECRET\novh: missing required key "consumer_key"; or set OVH_CONSUMER_KEY\novh: endpoint: must be one of ovh-eu, ovh-ca, ovh-us, kimsufi-eu, kimsufi-ca, soyoustart-eu, soyoustart-ca or an https:// URL\novh: application_key: must be string',
    },
    {
      name: 'unknown key',
      config: { ...ok, zone: 'x' },
      error:
        'ovh: unknown key "zone" (known: endpoint, application_key, application_secret, consumer_key, ttl, timeout_ms, retries, backoff_ms)',
    },
    {
      name: 'bad value from the environment names the variable',
      config: ok,
      env: { OVH_RETRIES: 'many' },
      error: 'ovh: retries (from OVH_RETRIES): must be integer',
    },
  ]);
});
