// Broken inventories: each case under test/fixtures/inventory/broken must fail with exactly these
// `file:line:col: dot.path: message` lines (paths relative to the case directory) and exit code 4.
// All cases run through loadInventory; a few also through the real CLI to check stderr and exit.
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ExitCode } from '../../src/errors.js';
import { validateInventories } from '../../src/cli/validate.js';
import { loadInventory } from '../../src/inventory/load.js';
import { brokenRoot, cases, certfleet, inventoryArgs, sources } from './inventory-helpers.js';

const table: Record<string, string[]> = {
  'yaml-syntax': [
    'hosts.yml:5:1: YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
  ],
  'yaml-duplicate-key': ['hosts.yml:5:7: YAML: duplicate key'],
  'yaml-port-string': [
    'hosts.yml:6:25: all.children.web.hosts.web1.ansible_port: must be an integer from 1 to 65535',
  ],
  'ini-port-string': ['hosts:2:41: web.hosts.web1.ansible_port: must be an integer from 1 to 65535'],
  'port-out-of-range': ['hosts.ini:5:16: web.vars.ansible_port: must be an integer from 1 to 65535'],
  'group-vars-distro': [
    'group_vars/web.yml:2:9: distro: must be one of "debian", "ubuntu", "centos", "rhel", "rocky", "alma"',
  ],
  'webserver-list': [
    'hosts.yml:6:11: web.hosts.web1.webserver.1: must be one of "nginx", "apache", "haproxy", "tomcat"',
  ],
  'bad-connection': [
    'hosts:2:25: web.hosts.web1.ansible_connection: must be one of "ssh", "local"',
    'hosts:2:46: web.hosts.web1.ansible_become: must be a boolean (true/false, yes/no)',
  ],
  'ini-undefined-child': ['hosts:3:1: section [prod:children] includes undefined group "db"'],
  'ini-vars-undefined': ['hosts:4:1: section [db:vars] is for an undefined group "db"'],
  'ini-bad-section': [
    'hosts:1:1: invalid section header [web servers]: a group name has no spaces, ":" or "]"',
  ],
  'ini-vars-no-equals': ['hosts:5:1: expected key=value in [web:vars], got "ansible_user root"'],
  'ini-unknown-section-type': [
    'hosts:1:1: section [web:hostz] has unknown type "hostz" (expected vars or children)',
  ],
  'ini-host-var-no-equals': [
    'hosts:2:6: web.hosts.web1: expected key=value after the host name, got "ansible_user"',
  ],
  'children-cycle': [
    'hosts.yml:3:5: a.children.b: group "b" cannot be a child of "a": cycle b -> c -> a -> b',
  ],
  'host-as-child': [
    'hosts.yml:8:9: "web1" is a host, not a group (hosts go under "hosts", groups under "children")',
  ],
  'range-reversed': [
    'hosts:2:1: web.hosts.web[04:01]: bad host range "web[04:01]": begin must not be after end',
  ],
  'range-mixed': [
    'hosts.yml:3:5: web.hosts.web[a:1]: bad host range "web[a:1]": bounds must be two numbers or two letters, got "a" and "1"',
  ],
  'dynamic-script': [
    'ec2.py:1:1: dynamic inventory scripts are not supported: export the script output to a YAML file',
  ],
  'missing-source': ['does-not-exist.yml:1:1: cannot read inventory: no such file or directory'],
  unreadable: ['inv/linked.yml:1:1: cannot read inventory: no such file or directory'],
  'unknown-group-key': [
    'hosts.yml:2:3: web.hots: unknown key "hots" in group "web" (expected hosts, children or vars)',
  ],
  'vars-file-not-mapping': [
    'host_vars/web1.yml:1:1: a vars file must contain a mapping of variable names to values',
  ],
  'several-problems': [
    'inv/10-hosts:2:1: web.hosts.web[3:1]: bad host range "web[3:1]": begin must not be after end',
    'inv/10-hosts:3:19: web.hosts.web5.ansible_port: must be an integer from 1 to 65535',
    'inv/10-hosts:7:1: section [prod:children] includes undefined group "ghost"',
    'inv/20-db.yml:4:15: db.hosts.db1.distro: must be one of "debian", "ubuntu", "centos", "rhel", "rocky", "alma"',
    'inv/20-db.yml:5:23: db.hosts.db1.ansible_become: must be a boolean (true/false, yes/no)',
    'inv/20-db.yml:7:5: "db1" is a host, not a group (hosts go under "hosts", groups under "children")',
    'inv/group_vars/web.yml:1:20: webserver.1: must be one of "nginx", "apache", "haproxy", "tomcat"',
  ],
};

describe('broken inventories', () => {
  it('every broken fixture has an entry in the table (and at least 15 exist)', () => {
    expect(cases(brokenRoot)).toEqual(Object.keys(table).sort());
    expect(cases(brokenRoot).length).toBeGreaterThanOrEqual(15);
  });

  it.each(Object.entries(table))('%s', async (name, expected) => {
    const dir = join(brokenRoot, name);
    const err = await loadInventory(sources(dir).map((s) => join(dir, s))).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    const config = err as ConfigError;
    expect(config.exitCode).toBe(ExitCode.BAD_INPUT);
    expect(
      config
        .format()
        .split('\n')
        .map((l) => l.split(dir + sep).join('')),
    ).toEqual(expected);
  });

  it.each(['several-problems', 'ini-port-string'])(
    'CLI: validate %s prints every issue and exits 4',
    async (name) => {
      const dir = join(brokenRoot, name);
      const res = await certfleet(['validate', ...inventoryArgs(dir)], dir);
      expect(res.stdout).toBe('');
      expect(res.stderr).toBe(table[name].map((l) => `certfleet: error: ${l}\n`).join(''));
      expect(res.code).toBe(4);
    },
  );

  it('validateInventories returns the issues (for `validate` with playbooks) instead of throwing', async () => {
    const dir = join(brokenRoot, 'several-problems');
    const { inventory, issues } = await validateInventories([join(dir, 'inv')]);
    expect(inventory).toBeUndefined();
    expect(issues).toHaveLength(table['several-problems'].length);
    const ok = await validateInventories([join(brokenRoot, '..', 'ok', 'ini-basic', 'hosts')]);
    expect(ok.issues).toEqual([]);
    expect(ok.inventory?.hosts.size).toBe(7);
  });

  it('CLI: inventory --list on a broken inventory exits 4 too', async () => {
    const dir = join(brokenRoot, 'children-cycle');
    const res = await certfleet(['inventory', ...inventoryArgs(dir), '--list'], dir);
    expect(res.code).toBe(4);
    expect(res.stderr).toBe(`certfleet: error: ${table['children-cycle'][0]}\n`);
  });
});
