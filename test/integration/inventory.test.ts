// The inventory loader against the real ansible-inventory (ansible-core 2.14): every fixture under
// test/fixtures/inventory/ok has expected.json / expected.graph.txt produced by
// scripts/regen-inventory-fixtures.sh, and one test re-runs ansible-inventory live to prove they
// are current. Comparisons are deep equality: same groups, hosts, merged variables and types.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ansibleJson, graph, toAnsibleList } from '../../src/inventory/list.js';
import { redact } from '../../src/output/redact.js';
import { loadInventory } from '../../src/inventory/load.js';
import { cases, certfleet, inventoryArgs, okRoot, run, sources } from './inventory-helpers.js';

const okCases = cases(okRoot);

async function load(name: string) {
  const dir = join(okRoot, name);
  return loadInventory(sources(dir).map((s) => join(dir, s)));
}

function expectedList(name: string): unknown {
  return JSON.parse(readFileSync(join(okRoot, name, 'expected.json'), 'utf8'));
}

/**
 * Python prints a float that holds an integer as `1000.0` and a tuple as `(1, 2)`; JavaScript
 * values do not keep those differences (JSON does not either), so the graph text (Python `str()` of
 * values) is compared with `N.0` written `N` and tuples written as lists.
 */
function normalisePython(text: string): string {
  return text
    .replace(/(?<=[\s[{(,=:]|^)(-?\d+)\.0(?=[\s\]},)]|$)/gm, '$1')
    .replace(/= \(([^()]*)\)\}$/gm, '= [$1]}');
}

describe('inventory fixtures match ansible-inventory 2.14', () => {
  it('has at least 12 cases', () => {
    expect(okCases.length).toBeGreaterThanOrEqual(12);
  });

  it.each(okCases)('%s: --list is deep-equal to ansible-inventory --list', async (name) => {
    expect(toAnsibleList(await load(name))).toStrictEqual(expectedList(name));
  });

  it.each(okCases)('%s: --graph --vars is the same text as ansible-inventory', async (name) => {
    const want = readFileSync(join(okRoot, name, 'expected.graph.txt'), 'utf8').trimEnd();
    expect(graph(await load(name), 'all', true)).toBe(normalisePython(want));
  });

  it('the fixtures are current: ansible-inventory run live gives the stored expected.json', async () => {
    const env = { ANSIBLE_CONFIG: '/nonexistent/ansible.cfg', ANSIBLE_NOCOLOR: '1' };
    for (const name of ['precedence', 'multi-source', 'dir-mixed', 'ini-typing']) {
      const dir = join(okRoot, name);
      const res = await run('ansible-inventory', [...inventoryArgs(dir), '--list'], dir, env);
      expect(res.code, res.stderr).toBe(0);
      expect(JSON.parse(res.stdout), name).toStrictEqual(expectedList(name));
    }
  });
});

describe('merged variables and groups (engine contract)', () => {
  it('hostVars adds inventory_hostname, inventory_hostname_short and group_names', async () => {
    const inv = await load('yaml-nested');
    const vars = inv.hostVars('web1.paris.example.com');
    expect(vars).toMatchObject({
      inventory_hostname: 'web1.paris.example.com',
      inventory_hostname_short: 'web1',
      group_names: ['europe', 'france', 'paris', 'webservers'],
      level: 'paris',
      ansible_become: true,
    });
    expect(inv.groupsOf('web1.paris.example.com')).toEqual([
      'all',
      'europe',
      'webservers',
      'france',
      'paris',
    ]);
  });

  it('orders same-depth groups by ansible_group_priority, then name', async () => {
    const inv = await load('precedence');
    expect(inv.groupsOf('h1')).toEqual(['all', 'parent', 'aa_prio', 'zz_low', 'child_a', 'child_b']);
    expect(inv.groups.get('zz_low')?.priority).toBe(10);
  });

  it('keeps INI values typed like Ansible (int, float, bool, list, dict, None, strings)', async () => {
    const inv = await load('ini-typing');
    expect(inv.hostVars('t1')).toMatchObject({
      int: 42,
      hex: 31,
      float: 3.5,
      bool: true,
      lower: 'true',
      none: null,
    });
    expect(inv.hostVars('t2')).toMatchObject({
      list: [1, 'two', 3],
      tuple: [1, 2],
      quoted: '42',
      spaced: 'hello world',
    });
  });
});

describe('secrets in inventories', () => {
  it('registers password, secret and token variables so that no output shows them', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'certfleet-inv-secret-'));
    try {
      mkdirSync(join(tmp, 'group_vars'));
      writeFileSync(join(tmp, 'hosts'), '[web]\nweb1 ansible_password=hunter2-login\n');
      writeFileSync(
        join(tmp, 'group_vars', 'web.yml'),
        'ansible_become_password: s3cr3t-become\novh_application_secret: ovh-s3cret\nansible_ssh_private_key_file: /keys/id_ed25519\n',
      );
      const inv = await loadInventory([join(tmp, 'hosts')]);
      expect(inv.hostVars('web1').ansible_become_password).toBe('s3cr3t-become');
      const printed = redact(ansibleJson(toAnsibleList(inv)));
      for (const secret of ['hunter2-login', 's3cr3t-become', 'ovh-s3cret'])
        expect(printed).not.toContain(secret);
      expect(printed).toContain('"ansible_become_password": "********"');
      expect(printed).toContain('/keys/id_ed25519');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('certfleet inventory / validate CLI', () => {
  it('inventory --list prints byte-for-byte what ansible-inventory prints', async () => {
    const dir = join(okRoot, 'multi-source');
    const res = await certfleet(['inventory', ...inventoryArgs(dir), '--list'], dir);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(readFileSync(join(dir, 'expected.json'), 'utf8'));
  });

  it('inventory --host and --graph GROUP, and ./inventory as the default source', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'certfleet-inv-'));
    try {
      writeFileSync(join(tmp, 'inventory'), '[web]\nweb1 ansible_port=2222\n[prod:children]\nweb\n');
      const host = await certfleet(['inventory', '--host', 'web1'], tmp);
      expect(host.code).toBe(0);
      expect(host.stdout).toBe('{\n    "ansible_port": 2222\n}\n');
      const tree = await certfleet(['inventory', '--graph', 'prod'], tmp);
      expect(tree.stdout).toBe('@prod:\n  |--@web:\n  |  |--web1\n');
      const ok = await certfleet(['validate'], tmp);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toBe('OK: inventory inventory: 1 host, 2 groups\n');
      const unknown = await certfleet(['inventory', '--host', 'nope'], tmp);
      expect(unknown.code).toBe(4);
      expect(unknown.stderr).toBe('certfleet: error: inventory: unknown host "nope"\n');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
