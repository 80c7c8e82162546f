/**
 * The engine over real SSH: a playbook on three lab hosts (namespaces + sshd) plus a fourth host
 * whose sshd is down. The dead host is unreachable (exit 3), the others finish every task and
 * their handlers; connections are reused (one handshake per host).
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/index.js';
import type { Connection } from '../../src/connections/connection.js';
import type { SshConnection } from '../../src/connections/ssh.js';
import { defaultConnectionFactory } from '../../src/engine/connect.js';
import { loadInv, run, tempProject } from './engine-helpers.js';

let lab: Lab;
let project: ReturnType<typeof tempProject>;

/** A loopback port with nothing listening (bound then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  // no web servers: this test is about the engine, and fewer processes keep it fast
  lab = await startLab({ hosts: ['alpha', 'bravo', 'charlie'].map((name) => ({ name, services: [] })) });
  project = tempProject();
}, 60_000);
afterAll(async () => {
  await lab?.stop();
  project?.cleanup();
});

describe('engine on lab hosts over SSH', () => {
  it('runs on reachable hosts, reports the dead one unreachable', async () => {
    const ghost = project.write(
      'ghost.yml',
      `all:\n  hosts:\n    ghost:\n      ansible_host: 127.0.0.1\n      ansible_port: ${await closedPort()}\n      ansible_user: root\n      ansible_ssh_private_key_file: ${lab.keyFile}\n`,
    );
    const pb = project.write(
      'site.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - name: write a marker
      copy: { content: "{{ inventory_hostname }}\\n", dest: /root/marker }
      notify: count
    - name: read it back
      command: cat /root/marker
      register: m
      changed_when: false
    - assert:
        that: m.stdout == inventory_hostname
  handlers:
    - name: count
      shell: echo handled >> /root/handled
`,
    );
    const inventory = await (
      await import('../../src/inventory/load.js')
    ).loadInventory([lab.inventoryFile, ghost]);
    const conns: Connection[] = [];
    const factory = defaultConnectionFactory({ knownHostsFile: lab.knownHostsFile, timeoutMs: 5000 });
    const r = await run({
      playbook: pb,
      inventory,
      connect: (h, v) => {
        const c = factory(h, v);
        conns.push(c);
        return c;
      },
    });
    expect(r.exitCode).toBe(3);
    expect(r.recap.ghost).toMatchObject({ unreachable: 1, ok: 0, failed: 0 });
    expect(r.out).toMatch(
      /fatal: \[ghost\]: UNREACHABLE! => ghost: cannot connect to root@127\.0\.0\.1:\d+: connection refused/,
    );
    for (const h of lab.hosts) {
      expect(r.recap[h.name]).toEqual({
        ok: 4,
        changed: 2,
        unreachable: 0,
        failed: 0,
        skipped: 0,
        rescued: 0,
        ignored: 0,
      });
      expect((await h.exec('cat /root/marker /root/handled')).stdout).toBe(`${h.name}\nhandled\n`);
    }
    for (const c of conns.filter((c) => c.host !== 'ghost'))
      expect((c as SshConnection).stats.handshakes).toBe(1);

    const again = await run({ playbook: pb, inventory: await loadInv(lab.inventoryFile), connect: factory });
    expect(again.exitCode).toBe(0);
    for (const h of lab.hosts) expect(again.recap[h.name]).toMatchObject({ changed: 0, ok: 3 });
  }, 60_000);
});
