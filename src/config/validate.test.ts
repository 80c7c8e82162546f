import { describe, expect, it } from 'vitest';
import { ajv, validateWith } from './validate.js';
import { parseYaml } from './yaml.js';

const schema = {
  type: 'object',
  properties: {
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    mode: { enum: ['ssh', 'local'] },
    nested: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
  },
  required: ['port'],
};

describe('validateWith', () => {
  const v = ajv.compile(schema);

  it('locates every violation in the YAML source with a dot path', () => {
    const { value } = parseYaml('port: "22"\nmode: telnet\nnested:\n  a: x\n  b: 1\n', 'c.yml');
    const issues = validateWith(v, value);
    expect(issues).toEqual([
      { source: { file: 'c.yml', line: 1, col: 7 }, path: 'port', message: 'must be integer' },
      { source: { file: 'c.yml', line: 2, col: 7 }, path: 'mode', message: 'must be one of "ssh", "local"' },
      { source: { file: 'c.yml', line: 5, col: 3 }, path: 'nested.b', message: 'unknown key "b"' },
    ]);
  });

  it('uses the prefix for paths inside a larger document', () => {
    const { value } = parseYaml('hosts:\n  web1:\n    mode: x\n', 'inv.yml');
    const host = (value as { hosts: { web1: object } }).hosts.web1;
    const issues = validateWith(v, host, { root: value, prefix: ['hosts', 'web1'] });
    expect(issues.map((i) => `${i.source?.line}:${i.source?.col} ${i.path}: ${i.message}`)).toEqual([
      '2:3 hosts.web1: missing required key "port"',
      '3:11 hosts.web1.mode: must be one of "ssh", "local"',
    ]);
  });
});

describe('validateWith on sequences', () => {
  it('locates errors inside list items (ajv spells indexes as strings)', () => {
    const v = ajv.compile({ type: 'array', items: { type: 'integer' } });
    const { value } = parseYaml('- 1\n- two\n', 'l.yml');
    expect(validateWith(v, value)).toEqual([
      { source: { file: 'l.yml', line: 2, col: 3 }, path: '1', message: 'must be integer' },
    ]);
  });
});
