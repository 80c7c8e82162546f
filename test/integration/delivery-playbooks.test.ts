/**
 * The shipped playbooks, roles and example inventories load and validate (every module argument
 * checked against its schema, every role found), so a typo in them fails here and not in production.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/load.js';
import { loadPlaybook } from '../../src/playbook/load.js';

const ROOT = join(import.meta.dirname, '../..');

describe('shipped playbooks and inventories', () => {
  const playbooks = readdirSync(join(ROOT, 'playbooks')).filter((f) => f.endsWith('.yml'));

  it('has the site playbook and the four seeds', () => {
    expect(playbooks.sort()).toEqual(
      expect.arrayContaining([
        'seed-000-ovh-mount.yml',
        'seed-002-route53.yml',
        'seed-003-haproxy.yml',
        'seed-004-ssl-sync.yml',
        'site.yml',
      ]),
    );
  });

  it.each(playbooks)('playbooks/%s loads with its roles', async (file) => {
    const pb = await loadPlaybook(join(ROOT, 'playbooks', file));
    expect(pb.plays.length).toBeGreaterThan(0);
  });

  it.each(['example.yml', 'ssl-sync.yml'])('inventory/%s loads', async (file) => {
    const inv = await loadInventory([join(ROOT, 'inventory', file)]);
    expect(inv.hosts.size).toBeGreaterThan(0);
  });
});
