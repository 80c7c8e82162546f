/**
 * Inputs the loader fuzzing found crashing (uncaught ReferenceError/Error, multi-line issues), kept as
 * fixed cases: each must now be one ConfigError (exit 4) pointing at the offending line and column.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, ExitCode } from '../../src/errors.js';
import { parseYaml } from '../../src/config/yaml.js';

function rejection(text: string): ConfigError {
  try {
    // YAML 1.1 as inventories and vars files are read (merge keys are a 1.1 feature)
    parseYaml(text, 'f.yml', { version: '1.1' });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('accepted');
}

describe('fuzz regressions in parseYaml', () => {
  it.each([
    ['an alias without anchor', 'a: 1\ne: *nowhere\n', 'f.yml:2:4: ', /Unresolved alias.*nowhere/],
    ['a merge of a scalar alias', 's: &a 1\nm:\n  <<: *a\n', 'f.yml:3:7: ', /Merge sources must be maps/],
    [
      'a mapping as a key',
      'g:\n  ? children:\n      x: 1\n  : v\n',
      'f.yml:2:5: ',
      /mapping or list cannot be a key/,
    ],
    ['a list as a key', '? [a, b]\n: v\n', 'f.yml:1:3: ', /mapping or list cannot be a key/],
  ])('%s', (_, text, where, message) => {
    const err = rejection(text);
    expect(err.exitCode).toBe(ExitCode.BAD_INPUT);
    const lines = err.format().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(where)).toBe(true);
    expect(lines[0]).toMatch(message);
  });

  it('an alias bomb is refused, bounded', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(10)
          .fill(`*${'abcdefghi'[i - 1]}`)
          .join(', ')}]`,
      );
    const started = Date.now();
    const err = rejection(bomb.join('\n'));
    expect(err.format()).toMatch(/^f\.yml:\d+:\d+: .*alias/i);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
