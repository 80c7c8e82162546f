import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { locate, locatePath, locateValue, parseYaml } from './yaml.js';

describe('parseYaml', () => {
  it('records line:col of mappings, keys, values and sequence items', () => {
    const text = 'all:\n  hosts:\n    web1:\n      ansible_port: 22\n  children:\n    - a\n    - b\n';
    const { value } = parseYaml(text, 'inv.yml');
    const all = (value as Record<string, Record<string, unknown>>).all;
    expect(locate(value, 'all')).toEqual({ file: 'inv.yml', line: 1, col: 1 });
    expect(locateValue(all, 'hosts')).toEqual({ file: 'inv.yml', line: 3, col: 5 });
    expect(locatePath(value, ['all', 'hosts', 'web1', 'ansible_port'])).toEqual({
      file: 'inv.yml',
      line: 4,
      col: 7,
    });
    expect(locate(all.children, 1)).toEqual({ file: 'inv.yml', line: 7, col: 7 });
  });

  it('reports syntax errors and duplicate keys with file:line:col, all at once', () => {
    let err: unknown;
    try {
      parseYaml('a: 1\na: 2\nb: [1, 2\n', 'bad.yml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const lines = (err as ConfigError).format().split('\n');
    expect(lines[0]).toMatch(/^bad\.yml:2:1: YAML: duplicate key/);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect((err as ConfigError).exitCode).toBe(4);
  });

  it('resolves YAML 1.1 floats like PyYAML: e1, 1e5 and . stay strings', () => {
    const text = 'e1: a\nv: [e1, 1e5, ., 1.5, 1.0e+3, .5, yes, 0755]\n';
    const { value } = parseYaml(text, 'x.yml', { version: '1.1' });
    expect(value).toEqual({ e1: 'a', v: ['e1', '1e5', '.', 1.5, 1000, 0.5, true, 493] });
  });
});
