import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryInventory, run, tempProject } from './engine-helpers.js';

let project: ReturnType<typeof tempProject>;
afterEach(() => project?.cleanup());

const local = (names: string[], dir: string) =>
  Object.fromEntries(names.map((n) => [n, { ansible_connection: 'local', dir: join(dir, n) }]));
const read = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined);

describe('engine control flow', () => {
  it('runs handlers once, only on change, at flush_handlers and at the end of the play', async () => {
    project = tempProject();
    const pb = project.write(
      'h.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - test_write_file: { path: "{{ dir }}.conf", content: v1 }
      notify: [reload]
    - test_write_file: { path: "{{ dir }}.conf", content: v1 }
      notify: reload
    - meta: flush_handlers
    - test_write_file: { path: "{{ dir }}.other", content: x }
      notify: by topic
    - test_write_file: { path: "{{ dir }}.log", content: "{{ lookup_count | default(0) }}" }
      vars: { lookup_count: "{{ handler_runs | default('none') }}" }
  handlers:
    - name: reload
      test_write_file: { path: "{{ dir }}.reloads", content: "reloaded {{ inventory_hostname }}" }
      register: handler_runs
    - name: second
      listen: by topic
      test_write_file: { path: "{{ dir }}.topic", content: topic }
`,
    );
    const inv = memoryInventory({ web: ['a', 'b'] }, local(['a', 'b'], project.dir));
    const r = await run({ playbook: pb, inventory: inv });
    expect(r.exitCode).toBe(0);
    const handlerStarts = r.events
      .filter((e) => e.event === 'task_start' && e.handler)
      .map((e) => (e as { task: string }).task);
    expect(handlerStarts).toEqual(['reload', 'second']);
    expect(read(join(project.dir, 'a.reloads'))).toBe('reloaded a');
    expect(read(join(project.dir, 'b.topic'))).toBe('topic');
    // the handler ran at flush_handlers, before the last task: its registered result was visible then
    expect(read(join(project.dir, 'a.log'))).not.toBe('none');
    const second = await run({ playbook: pb, inventory: inv });
    expect(second.events.some((e) => e.event === 'task_start' && e.handler)).toBe(false);
  });

  it('block/rescue/always: rescued host counts rescued, always runs for everyone', async () => {
    project = tempProject();
    const pb = project.write(
      'b.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - block:
        - fail: { msg: "boom on {{ inventory_hostname }}" }
          when: inventory_hostname == 'a'
        - test_write_file: { path: "{{ dir }}.block", content: ok }
      rescue:
        - test_write_file: { path: "{{ dir }}.rescue", content: rescued }
      always:
        - test_write_file: { path: "{{ dir }}.always", content: always }
    - test_write_file: { path: "{{ dir }}.after", content: after }
`,
    );
    const inv = memoryInventory({ g: ['a', 'b'] }, local(['a', 'b'], project.dir));
    const r = await run({ playbook: pb, inventory: inv });
    expect(r.exitCode).toBe(0);
    expect(read(join(project.dir, 'a.block'))).toBeUndefined();
    expect(read(join(project.dir, 'a.rescue'))).toBe('rescued');
    expect(read(join(project.dir, 'b.rescue'))).toBeUndefined();
    expect(read(join(project.dir, 'a.always'))).toBe('always');
    expect(read(join(project.dir, 'b.always'))).toBe('always');
    expect(read(join(project.dir, 'a.after'))).toBe('after');
    expect(r.recap.a).toMatchObject({ failed: 0, rescued: 1, changed: 3 });
    expect(r.out).toContain('failed: [a] => boom on a');
  });

  it('a failed host stops, others carry on; ignore_errors counts ignored; exit 2', async () => {
    project = tempProject();
    const pb = project.write(
      'f.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - fail: { msg: ignored }
      ignore_errors: true
    - fail: { msg: "stop {{ inventory_hostname }}" }
      when: inventory_hostname == 'a'
    - test_write_file: { path: "{{ dir }}.next", content: next }
`,
    );
    const inv = memoryInventory({ g: ['a', 'b'] }, local(['a', 'b'], project.dir));
    const r = await run({ playbook: pb, inventory: inv });
    expect(r.exitCode).toBe(2);
    expect(read(join(project.dir, 'a.next'))).toBeUndefined();
    expect(read(join(project.dir, 'b.next'))).toBe('next');
    expect(r.recap.a).toEqual({
      ok: 1,
      changed: 0,
      unreachable: 0,
      failed: 1,
      skipped: 0,
      rescued: 0,
      ignored: 1,
    });
    expect(r.recap.b).toEqual({
      ok: 2,
      changed: 1,
      unreachable: 0,
      failed: 0,
      skipped: 1,
      rescued: 0,
      ignored: 1,
    });
    expect(r.out).toContain('...ignoring');
  });

  it('any_errors_fatal stops every host after the failing task', async () => {
    project = tempProject();
    const pb = project.write(
      'fatal.yml',
      `- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - fail: {}
      when: inventory_hostname == 'a'
    - test_write_file: { path: "{{ dir }}.next", content: next }
`,
    );
    const inv = memoryInventory({ g: ['a', 'b', 'c'] }, local(['a', 'b', 'c'], project.dir));
    const r = await run({ playbook: pb, inventory: inv });
    expect(r.exitCode).toBe(2);
    for (const h of ['a', 'b', 'c']) expect(read(join(project.dir, `${h}.next`))).toBeUndefined();
  });

  it('serial batches and max_fail_percentage abort the remaining batches', async () => {
    project = tempProject();
    const pb = project.write(
      'serial.yml',
      `- hosts: all
  gather_facts: false
  serial: [1, "50%"]
  max_fail_percentage: 40
  tasks:
    - test_write_file: { path: "{{ dir }}.one", content: "1" }
    - fail: {}
      when: inventory_hostname in ('h2', 'h3')
    - test_write_file: { path: "{{ dir }}.two", content: "2" }
`,
    );
    const names = ['h1', 'h2', 'h3', 'h4', 'h5'];
    const inv = memoryInventory({ g: names }, local(names, project.dir));
    const r = await run({ playbook: pb, inventory: inv });
    expect(r.exitCode).toBe(2);
    // batches: [h1], [h2 h3], [h4 h5]; the second batch fails 100% > 40%: h4/h5 never start
    expect(read(join(project.dir, 'h1.two'))).toBe('2');
    expect(read(join(project.dir, 'h2.one'))).toBe('1');
    expect(read(join(project.dir, 'h4.one'))).toBeUndefined();
    const plays = r.events.filter((e) => e.event === 'task_start');
    expect(plays.length).toBe(5);
  });

  it('run_once runs on the first host and shares the registered result', async () => {
    project = tempProject();
    const pb = project.write(
      'once.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - test_write_file: { path: "{{ playbook_dir }}/once.txt", content: "by {{ inventory_hostname }}" }
      run_once: true
      register: once
    - test_write_file: { path: "{{ dir }}.seen", content: "{{ once.changed }}" }
`,
    );
    const inv = memoryInventory({ g: ['a', 'b'] }, local(['a', 'b'], project.dir));
    const r = await run({ playbook: pb, inventory: inv });
    expect(r.out).not.toContain('failed:');
    expect(r.exitCode).toBe(0);
    expect(read(join(project.dir, 'once.txt'))).toBe('by a');
    expect(read(join(project.dir, 'b.seen'))).toBe('true');
    expect(r.events.filter((e) => e.event === 'host_result' && e.task === 'test_write_file').length).toBe(3);
  });

  it('loop with loop_control, set_fact, changed_when/failed_when and assert', async () => {
    project = tempProject();
    const pb = project.write(
      'loop.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - set_fact:
        pkgs: [x, y]
        n: 3
    - test_write_file: { path: "{{ dir }}-{{ p.name }}", content: "{{ p.v }}" }
      loop: [{ name: x, v: "1" }, { name: y, v: "2" }]
      loop_control: { loop_var: p, label: "{{ p.name }}" }
      register: files
    - assert:
        that:
          - files.results | length == 2
          - files.changed
          - pkgs | length == 2 and n == 3
          - missing is not defined
    - test_write_file: { path: "{{ dir }}-z", content: z }
      changed_when: false
      register: quiet
    - fail: { msg: never }
      failed_when: false
    - debug: { msg: "{{ item }}" }
      with_items: "{{ pkgs }}"
`,
    );
    const inv = memoryInventory({ g: ['a'] }, local(['a'], project.dir));
    const r = await run({ playbook: pb, inventory: inv });
    expect(r.out).not.toContain('failed:');
    expect(r.exitCode).toBe(0);
    expect(read(join(project.dir, 'a-y'))).toBe('2');
    expect(read(join(project.dir, 'a-z'))).toBe('z');
    expect(r.out).toContain('changed: [a] => (item=x)');
    expect(r.out).toContain('ok: [a] => (item=y) => y');
    expect(r.recap.a).toEqual({
      ok: 6,
      changed: 1,
      unreachable: 0,
      failed: 0,
      skipped: 0,
      rescued: 0,
      ignored: 0,
    });
  });
});

describe('environment and include_role', () => {
  it('environment (play and task) reaches commands; include_role runs a role with its vars', async () => {
    project = tempProject();
    project.write('roles/greet/defaults/main.yml', 'word: default\n');
    project.write(
      'roles/greet/tasks/main.yml',
      '- test_write_file: { path: "{{ playbook_dir }}/role-{{ inventory_hostname }}", content: "{{ word }}" }\n',
    );
    const pb = project.write(
      'env.yml',
      `- hosts: all
  gather_facts: false
  environment: { PLAY_VAR: play, BOTH: play }
  tasks:
    - shell: echo "$PLAY_VAR $BOTH $TASK_VAR" > {{ playbook_dir }}/env-{{ inventory_hostname }}
      environment: { BOTH: task, TASK_VAR: "{{ inventory_hostname }}" }
    - include_role: { name: greet }
      vars: { word: included }
`,
    );
    const inv = memoryInventory({ g: ['a'] }, local(['a'], project.dir));
    const r = await run({ playbook: pb, inventory: inv });
    expect(r.exitCode).toBe(0);
    expect(read(join(project.dir, 'env-a'))).toBe('play task a\n');
    expect(read(join(project.dir, 'role-a'))).toBe('included');
    expect(r.out).toContain('TASK [greet : test_write_file]');
  });
});

describe('no_log', () => {
  it('hides the message, item, result and diff of the task', async () => {
    project = tempProject();
    const pb = project.write(
      'nolog.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - test_write_file: { path: "{{ playbook_dir }}/pw", content: "{{ item }}" }
      loop: [hunter2-password]
      no_log: true
    - debug: { msg: "token {{ secret }}-xyz" }
      vars: { secret: abc }
      no_log: yes
`,
    );
    const inv = memoryInventory({ g: ['a'] }, local(['a'], project.dir));
    const r = await run({ playbook: pb, inventory: inv, diff: true });
    expect(r.exitCode).toBe(0);
    expect(read(join(project.dir, 'pw'))).toBe('hunter2-password');
    const all = r.out + JSON.stringify(r.events);
    expect(all).not.toContain('hunter2-password');
    expect(all).not.toContain('abc-xyz');
    expect(r.out).toContain('changed: [a]\n');
  });
});

describe('action and local_action', () => {
  it('run like the module written as a key', async () => {
    project = tempProject();
    const pb = project.write(
      'action.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - action: test_write_file path={{ dir }}.action content=act
    - local_action:
        module: test_write_file
        path: "{{ dir }}.local"
        content: "{{ inventory_hostname }}"
`,
    );
    const inv = memoryInventory({ g: ['a'] }, local(['a'], project.dir));
    const r = await run({ playbook: pb, inventory: inv });
    expect(r.exitCode).toBe(0);
    expect(read(join(project.dir, 'a.action'))).toBe('act');
    expect(read(join(project.dir, 'a.local'))).toBe('a');
    expect(r.out).toContain('changed: [a -> localhost]');
  });
});
