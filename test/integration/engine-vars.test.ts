import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInv, run, tempProject } from './engine-helpers.js';

let project: ReturnType<typeof tempProject>;
let pb: string;
let invPath: string;
const read = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined);

beforeAll(() => {
  project = tempProject();
  const d = project.dir;
  invPath = project.write(
    'inventory/hosts.yml',
    `all:
  vars: { ansible_connection: local, level: inv_all }
  children:
    web:
      hosts:
        w1: { out: "${d}/w1", level: inv_host }
        w2: { out: "${d}/w2" }
    db:
      hosts:
        d1: { out: "${d}/d1" }
`,
  );
  project.write('inventory/group_vars/web.yml', 'level: inv_group\nfrom_group: yes_group\n');
  project.write(
    'roles/demo/defaults/main.yml',
    'level: role_default\nonly_default: dflt\nrole_level: role_default\n',
  );
  project.write('roles/demo/vars/main.yml', 'role_level: role_vars\n');
  project.write(
    'roles/demo/tasks/main.yml',
    `- name: role writes
  test_write_file: { path: "{{ out }}.role", content: "{{ level }}|{{ only_default }}|{{ role_level }}|{{ from_group | default('none') }}" }
  notify: role handler
  tags: [roletag]
- include_tasks: extra.yml
`,
  );
  project.write(
    'roles/demo/tasks/extra.yml',
    `- test_write_file: { path: "{{ out }}.extra", content: "{{ role_path | basename }}" }\n`,
  );
  project.write(
    'roles/demo/handlers/main.yml',
    `- name: role handler\n  test_write_file: { path: "{{ out }}.handler", content: handled }\n`,
  );
  project.write('vars.yml', 'vf: from_vars_file\nplay_level: vars_file\n');
  pb = project.write(
    'site.yml',
    `- hosts: web:db
  gather_facts: false
  vars: { play_level: play }
  vars_files: [vars.yml]
  roles:
    - demo
  tasks:
    - name: precedence
      test_write_file: { path: "{{ out }}.vars", content: "{{ play_level }}|{{ vf }}|{{ task_level }}|{{ ev | default('-') }}" }
      vars: { task_level: task }
      tags: [vars]
    - name: never unless asked
      test_write_file: { path: "{{ out }}.never", content: x }
      tags: [never, special]
    - name: delegated
      test_write_file: { path: "{{ out }}.delegated", content: "{{ inventory_hostname }}" }
      delegate_to: localhost
      tags: [vars]
`,
  );
});
afterAll(() => project.cleanup());

describe('variables, roles, tags, check and diff', () => {
  it('check mode writes nothing but reports changes and diffs', async () => {
    const r = await run({ playbook: pb, inventory: await loadInv(invPath), check: true, diff: true });
    expect(r.exitCode).toBe(0);
    expect(existsSync(join(project.dir, 'w1.role'))).toBe(false);
    // role task, include, precedence, delegated, and the handler they notified (check mode too)
    expect(r.recap.w1.changed).toBe(5);
    expect(r.out).toContain(`+inv_host|dflt|role_vars|yes_group`);
  });

  it('applies Ansible precedence: role defaults < inventory < play < vars_files < role vars < task < extra', async () => {
    const r = await run({ playbook: pb, inventory: await loadInv(invPath), limit: 'w*' });
    expect(r.exitCode).toBe(0);
    expect(read(join(project.dir, 'w1.role'))).toBe('inv_host|dflt|role_vars|yes_group');
    expect(read(join(project.dir, 'w2.role'))).toBe('inv_group|dflt|role_vars|yes_group');
    expect(read(join(project.dir, 'w1.vars'))).toBe('vars_file|from_vars_file|task|-');
    expect(read(join(project.dir, 'w1.extra'))).toBe('demo');
    expect(read(join(project.dir, 'w1.handler'))).toBe('handled');
    expect(read(join(project.dir, 'w1.delegated'))).toBe('w1');
    expect(read(join(project.dir, 'w1.never'))).toBeUndefined();
    // --limit w* kept d1 out
    expect(existsSync(join(project.dir, 'd1.role'))).toBe(false);
    expect(r.out).toContain('TASK [demo : role writes]');
    expect(r.out).toContain('changed: [w1 -> localhost]');
  });

  it('-e wins over everything; --tags/--skip-tags select tasks; never runs only when named', async () => {
    const r = await run({
      playbook: pb,
      inventory: await loadInv(invPath),
      extraVars: { level: 'extra', ev: 'E', task_level: 'extra_task' },
      tags: ['vars', 'special'],
      skipTags: ['roletag'],
    });
    expect(r.exitCode).toBe(0);
    expect(read(join(project.dir, 'd1.vars'))).toBe('vars_file|from_vars_file|extra_task|E');
    expect(read(join(project.dir, 'd1.never'))).toBe('x');
    expect(read(join(project.dir, 'd1.role'))).toBeUndefined();
    const tasks = r.events.filter((e) => e.event === 'task_start').map((e) => (e as { task: string }).task);
    expect(tasks).toEqual(['precedence', 'never unless asked', 'delegated']);
  });
});

describe('facts', () => {
  it('gather_facts runs setup; facts are visible as ansible_facts.x, ansible_x and through hostvars', async () => {
    const p = tempProject();
    try {
      const inv = p.write(
        'inv.yml',
        `all:\n  hosts:\n    f1: { ansible_connection: local }\n    f2: { ansible_connection: local }\n`,
      );
      const book = p.write(
        'facts.yml',
        `- hosts: all
  tasks:
    - assert:
        that:
          - ansible_facts.hostname == ansible_hostname
          - hostvars.f2.ansible_hostname is defined
    - test_write_file: { path: "{{ playbook_dir }}/{{ inventory_hostname }}", content: "{{ ansible_facts.hostname }}" }
`,
      );
      const r = await run({ playbook: book, inventory: await loadInv(inv) });
      expect(r.out).toContain('TASK [Gathering Facts]');
      expect(r.exitCode).toBe(0);
      expect(readFileSync(join(p.dir, 'f1'), 'utf8')).toBe((await import('node:os')).hostname());
    } finally {
      p.cleanup();
    }
  });
});
