import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../src/inventory/load.js';
import { knownHostsLines, labInventory } from './inventory.js';

describe('lab inventory', () => {
  const hosts = [
    {
      name: 'a',
      ip: '10.1.2.2',
      port: 22,
      distro: 'debian' as const,
      services: ['nginx' as const],
      ports: { nginx: { http: 80, https: 443 } },
    },
    { name: 'b', ip: '10.1.2.3', port: 22, distro: 'centos' as const, services: [], ports: {} },
  ];

  it('puts connection vars on all and groups hosts per distro and per service', () => {
    const doc = parse(labInventory(hosts, '/lab/id_ed25519', '/lab/known_hosts')) as {
      all: {
        vars: Record<string, string>;
        hosts: Record<string, unknown>;
        children: Record<string, { hosts: object }>;
      };
    };
    expect(doc.all.vars).toMatchObject({
      ansible_user: 'root',
      ansible_ssh_private_key_file: '/lab/id_ed25519',
      ansible_ssh_common_args: '-o UserKnownHostsFile=/lab/known_hosts -o StrictHostKeyChecking=yes',
    });
    expect(doc.all.hosts).toEqual({
      a: {
        ansible_host: '10.1.2.2',
        ansible_port: 22,
        distro: 'debian',
        webserver: 'nginx',
        webservers: ['nginx'],
        lab_ports: { nginx: { http: 80, https: 443 } },
      },
      b: { ansible_host: '10.1.2.3', ansible_port: 22, distro: 'centos' },
    });
    expect(
      Object.fromEntries(Object.entries(doc.all.children).map(([g, v]) => [g, Object.keys(v.hosts)])),
    ).toEqual({
      debian: ['a'],
      nginx: ['a'],
      centos: ['b'],
    });
  });

  it('writes known_hosts with [ip]:port for non-standard ports', () => {
    expect(
      knownHostsLines([
        { ip: '10.1.2.2', port: 22, publicKey: 'ssh-ed25519 AAAA root@a' },
        { ip: '127.0.0.1', port: 40022, publicKey: 'ssh-ed25519 BBBB root@b' },
      ]),
    ).toBe('10.1.2.2 ssh-ed25519 AAAA\n[127.0.0.1]:40022 ssh-ed25519 BBBB\n');
  });

  it('names Apache like the inventory schema does and loads without errors', async () => {
    const apacheHost = {
      name: 'c',
      ip: '10.1.2.4',
      port: 22,
      distro: 'ubuntu' as const,
      services: ['apache2' as const, 'haproxy' as const],
      ports: { apache2: { http: 80, https: 443 }, haproxy: { http: 8080, https: 8443 } },
    };
    const dir = mkdtempSync(join(tmpdir(), 'lab-inv-'));
    try {
      const file = join(dir, 'inventory.yml');
      writeFileSync(file, labInventory([...hosts, apacheHost], '/lab/key', '/lab/known_hosts'));
      const inv = await loadInventory([file]);
      expect(inv.hostVars('c')).toMatchObject({ webserver: 'apache', webservers: ['apache', 'haproxy'] });
      expect(inv.groups.get('apache')?.hosts).toEqual(['c']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
