import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryInventory, run, tempProject } from './engine-helpers.js';

let project: ReturnType<typeof tempProject>;
afterEach(() => project?.cleanup());

function localHosts(names: string[], dir: string) {
  return Object.fromEntries(names.map((n) => [n, { ansible_connection: 'local', dir: join(dir, n) }]));
}

describe('engine basics on local hosts', () => {
  it('runs when/loop/register/debug and counts like Ansible', async () => {
    project = tempProject();
    const pb = project.write(
      'site.yml',
      `- hosts: web
  gather_facts: false
  vars:
    greeting: hello
  tasks:
    - name: make dir
      test_write_file: { path: "{{ dir }}.txt", content: "{{ greeting }} {{ inventory_hostname }}" }
      register: w
    - name: show
      debug:
        msg: "changed={{ w.changed }}"
    - name: loop
      test_write_file:
        path: "{{ dir }}-{{ item }}.txt"
        content: "{{ item }}"
      loop: [a, b]
    - name: only web2
      debug: msg=only
      when: inventory_hostname == 'web2'
`,
    );
    const inv = memoryInventory({ web: ['web1', 'web2'] }, localHosts(['web1', 'web2'], project.dir));
    const r = await run({ playbook: pb, inventory: inv });
    expect(r.err).toBe('');
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(project.dir, 'web1.txt'), 'utf8')).toBe('hello web1');
    expect(readFileSync(join(project.dir, 'web2-b.txt'), 'utf8')).toBe('b');
    expect(r.recap.web1).toEqual({
      ok: 3,
      changed: 2,
      unreachable: 0,
      failed: 0,
      skipped: 1,
      rescued: 0,
      ignored: 0,
    });
    expect(r.recap.web2).toEqual({
      ok: 4,
      changed: 2,
      unreachable: 0,
      failed: 0,
      skipped: 0,
      rescued: 0,
      ignored: 0,
    });
    expect(r.out).toContain('ok: [web1] => changed=true');
    expect(r.out).toMatch(
      /PLAY RECAP \*+\nweb1 : ok=3 +changed=2 +unreachable=0 +failed=0 +skipped=1 +rescued=0 +ignored=0\n/,
    );
    const again = await run({ playbook: pb, inventory: inv });
    expect(again.recap.web1.changed).toBe(0);
    expect(existsSync(join(project.dir, 'web1-a.txt'))).toBe(true);
  });
});
