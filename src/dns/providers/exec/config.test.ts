// exec's configuration, table-driven with exact messages [lego providers' config tests].
import { describe } from 'vitest';
import { configTable } from '../../../../test/helpers/provider-config.js';

describe('exec config', () => {
  configTable('exec', [
    {
      name: 'minimal, defaults filled',
      config: { command: '/usr/local/bin/dns-hook' },
      want: { timeout_ms: 60000 },
    },
    {
      name: "lego's variable names",
      config: {},
      env: { EXEC_PATH: '/opt/hook', EXEC_TIMEOUT_MS: '5000' },
      want: { command: '/opt/hook', timeout_ms: 5000 },
    },
    {
      name: 'the block wins over the environment',
      config: { command: '/from/block' },
      env: { EXEC_PATH: '/from/env' },
      want: { command: '/from/block' },
    },
    { name: 'missing command', config: {}, error: 'exec: missing required key "command"; or set EXEC_PATH' },
    {
      name: 'bad timeout',
      config: { command: '/x', timeout_ms: 1.5 },
      error: 'exec: timeout_ms: must be integer\nexec: timeout_ms: must be >= 100',
    },
  ]);
});
