import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from './load.js';
import { selectHosts, splitPattern } from './patterns.js';
import type { Inventory } from './types.js';

const fixture = fileURLToPath(
  new URL('../../test/fixtures/inventory/ok/yaml-toplevel/inventory.yaml', import.meta.url),
);

// Expected host lists were produced by `ansible -i inventory.yaml PATTERN --list-hosts` (core 2.14).
const cases: [string, string[]][] = [
  [
    'all',
    [
      'also-ungrouped.example.com',
      'lonely.example.com',
      'www1.example.com',
      'www2.example.com',
      'db1.example.com',
      'db2.example.com',
    ],
  ],
  ['web:db', ['www1.example.com', 'www2.example.com', 'db1.example.com', 'db2.example.com']],
  ['web:&db_replicas', ['www2.example.com']],
  ['db:!web', ['db1.example.com', 'db2.example.com']],
  [
    '*.example.com',
    [
      'lonely.example.com',
      'www1.example.com',
      'www2.example.com',
      'db1.example.com',
      'db2.example.com',
      'also-ungrouped.example.com',
    ],
  ],
  ['www*', ['www1.example.com', 'www2.example.com']],
  ['~(db|www)1', ['www1.example.com', 'db1.example.com']],
  ['db[0]', ['db1.example.com']],
  ['all[1:3]', ['lonely.example.com', 'www1.example.com', 'www2.example.com']],
  ['web[-1]', ['www2.example.com']],
  ['!web', ['also-ungrouped.example.com', 'lonely.example.com', 'db1.example.com', 'db2.example.com']],
  ['db,www1.example.com', ['db1.example.com', 'db2.example.com', 'www2.example.com', 'www1.example.com']],
  ['ungrouped', ['lonely.example.com', 'also-ungrouped.example.com']],
  ['w?b', ['www1.example.com', 'www2.example.com']],
  ['&web:db', ['www2.example.com']],
];

describe('selectHosts', () => {
  let inv: Inventory;
  beforeAll(async () => {
    inv = await loadInventory([fixture]);
  });

  it.each(cases)('%s selects what ansible --list-hosts selects', (pattern, expected) => {
    const warnings: string[] = [];
    expect(selectHosts(inv, pattern, { warn: (m) => warnings.push(m) })).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  it('ignores an unknown pattern with a warning, like Ansible', () => {
    const warnings: string[] = [];
    expect(selectHosts(inv, 'nothing:web', { warn: (m) => warnings.push(m) })).toEqual([
      'www1.example.com',
      'www2.example.com',
    ]);
    expect(warnings).toEqual(['Could not match supplied host pattern, ignoring: nothing']);
  });

  it('applies --limit with the same syntax', () => {
    expect(selectHosts(inv, 'all', { limit: 'db:!db_replicas' })).toEqual(['db1.example.com']);
    expect(selectHosts(inv, 'web', { limit: '*2*' })).toEqual(['www2.example.com']);
  });

  it('fails on a subscript past the end', () => {
    expect(() => selectHosts(inv, 'web[5]')).toThrow('no hosts matched the subscripted pattern "web[5]"');
  });

  it('splits on commas first, then on colons outside brackets', () => {
    expect(splitPattern('web:&prod:!canary')).toEqual(['web', '&prod', '!canary']);
    expect(splitPattern('a[1:2]:b')).toEqual(['a[1:2]', 'b']);
    expect(splitPattern('a:b, c ')).toEqual(['a:b', 'c']);
    expect(splitPattern('fe80::1')).toEqual(['fe80::1']);
    expect(splitPattern('f1:f2:f3')).toEqual(['f1', 'f2', 'f3']);
  });
});
