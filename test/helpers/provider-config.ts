/**
 * The config table every DNS provider keeps beside its code [lego providers' *_test.go]: each row a
 * config block and an environment, and either the config the provider ends up with (env fills what
 * the block lacks, defaults after) or the exact error lines, all exit 4.
 */
import { expect, it } from 'vitest';
import { resolveProviderConfig } from '../../src/dns/config.js';
import { createProvider, providerDef } from '../../src/dns/registry.js';
import { ConfigError } from '../../src/errors.js';

/** One row. */
export interface ConfigCase {
  name: string;
  config: Record<string, unknown>;
  env?: Record<string, string>;
  /** keys of the resolved config that must hold these values */
  want?: Record<string, unknown>;
  /** the exact message (its lines, each starting with the provider code) */
  error?: string;
}

/** One vitest case per row, for provider `code`. */
export function configTable(code: string, cases: ConfigCase[]): void {
  it.each(cases)('$name', ({ config, env, want, error }) => {
    const run = (): unknown => createProvider(code, config, { env: env ?? {} });
    if (!error) {
      expect(run()).toBeDefined();
      if (want) expect(resolveProviderConfig(providerDef(code), config, env ?? {})).toMatchObject(want);
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
}
