import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { runPlaybook } from '../../src/engine/run-playbook.js';
import { memoryInventory, run, simpleSelect, tempProject } from './engine-helpers.js';

let project: ReturnType<typeof tempProject>;
afterEach(() => project?.cleanup());

/** Run expecting bad input: returns the issues; proves no connection was opened and nothing was written. */
async function badInput(text: string, extra: Record<string, string> = {}): Promise<string> {
  project = tempProject();
  const pb = project.write('site.yml', text);
  for (const [rel, body] of Object.entries(extra)) project.write(rel, body);
  let connects = 0;
  const err = await runPlaybook({
    playbook: pb,
    inventory: memoryInventory({ web: ['a'] }, { a: { ansible_connection: 'local' } }),
    selectHosts: simpleSelect,
    connect: () => {
      connects++;
      throw new Error('must not connect');
    },
    emit: () => undefined,
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect(connects).toBe(0);
  expect(existsSync(join(project.dir, 'ran.txt'))).toBe(false);
  return (err as ConfigError)
    .format()
    .split(project.dir + '/')
    .join('');
}

const first = `- hosts: all
  gather_facts: false
  tasks:
    - test_write_file: { path: "{{ playbook_dir }}/ran.txt", content: x }
`;

describe('bad playbooks fail before connecting anywhere, with file:line:col', () => {
  it('YAML syntax error', async () => {
    expect(await badInput(`${first}    - debug: { msg: [unclosed }\n`)).toMatch(/^site\.yml:5:\d+: YAML: /);
  });

  it('unknown module with close matches', async () => {
    expect(await badInput(`${first}    - name: typo\n      test_writ_file: { path: x, content: y }\n`)).toBe(
      'site.yml:6:7: unknown module "test_writ_file"; did you mean "test_write_file"?',
    );
  });

  it('unknown module argument at its key, all issues collected and sorted', async () => {
    const msg = await badInput(
      `${first}    - test_write_file: { path: x, content: y, mdoe: "0644" }\n    - debug:\n        msg: hi\n        colour: red\n`,
    );
    expect(msg).toBe(
      [
        'site.yml:5:47: test_write_file.mdoe: unknown key "mdoe"',
        'site.yml:8:9: debug.colour: unknown key "colour"',
      ].join('\n'),
    );
  });

  it('missing required argument and wrong type', async () => {
    expect(await badInput(`${first}    - test_write_file: { path: 3 }\n`)).toBe(
      [
        'site.yml:5:7: test_write_file: missing required key "content"',
        'site.yml:5:32: test_write_file.path: must be string',
      ].join('\n'),
    );
  });

  it('bad when expression and unknown task keyword', async () => {
    const msg = await badInput(`${first}    - debug: msg=x\n      when: a ==== 1\n      notifyy: h\n`);
    const lines = msg.split('\n');
    expect(lines[0]).toMatch(/^site\.yml:6:13: bad expression "a ==== 1": /);
    expect(lines[1]).toBe('site.yml:7:7: unknown task keyword "notifyy"; did you mean "notify"?');
  });

  it('bad template syntax, unknown filter, unknown handler, missing role, schema errors in one report', async () => {
    const msg = await badInput(
      `- hosts: all
  gather_facts: nope
  become_usr: x
  roles: [ghost]
  tasks:
    - debug: { msg: "{{ x " }
    - debug: { msg: "{{ x | frobnicate }}" }
      notify: restart it
`,
    );
    const lines = msg.split('\n');
    expect(lines[0]).toBe('site.yml:3:3: 0.become_usr: unknown key "become_usr"');
    expect(lines.length).toBe(1);
    const msg2 = await badInput(
      `- hosts: all
  roles: [ghost]
  tasks:
    - debug: { msg: "{{ x " }
    - debug: { msg: "{{ x | frobnicate }}" }
      notify: restart it
`,
    );
    const l2 = msg2.split('\n');
    expect(l2[0]).toMatch(/^site\.yml:2:11: role "ghost" not found in .*roles or /);
    expect(l2[1]).toMatch(/^site\.yml:4:21: template syntax error in "\{\{ x ": /);
    expect(l2[2]).toMatch(/^site\.yml:5:7: notify: no handler named or listening to "restart it"/);
    expect(l2[3]).toMatch(/^site\.yml:5:21: unknown filter "frobnicate"/);
  });

  it('an include_tasks file with errors is reported at its own lines', async () => {
    const msg = await badInput(`${first}    - include_tasks: more.yml\n`, {
      'more.yml': '- debug: msg=ok\n- nosuchmodule: {}\n',
    });
    expect(msg).toBe('more.yml:2:3: unknown module "nosuchmodule"');
  });
});

describe('run-time input errors', () => {
  it('an undefined variable fails the host at the task with its name, exit 4', async () => {
    project = tempProject();
    const pb = project.write(
      'u.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - debug: { msg: "{{ nope.deeper }}" }
    - test_write_file: { path: "{{ playbook_dir }}/after.txt", content: x }
`,
    );
    const r = await run({
      playbook: pb,
      inventory: memoryInventory({ g: ['a'] }, { a: { ansible_connection: 'local' } }),
    });
    expect(r.exitCode).toBe(4);
    expect(r.out).toContain(`failed: [a] => ${pb}:4:7: undefined variable "nope.deeper"`);
    expect(existsSync(join(project.dir, 'after.txt'))).toBe(false);
  });

  it('an undefined variable in when names it; "is defined" does not fail', async () => {
    project = tempProject();
    const pb = project.write(
      'w.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - debug: msg=skipped
      when: ghost is defined and ghost.x == 1
    - debug: msg=boom
      when: ghost == 1
`,
    );
    const r = await run({
      playbook: pb,
      inventory: memoryInventory({ g: ['a'] }, { a: { ansible_connection: 'local' } }),
    });
    expect(r.out).toContain('skipping: [a]');
    expect(r.out).toContain(`failed: [a] => ${pb}:6:7: undefined variable "ghost"`);
    expect(r.exitCode).toBe(4);
  });
});
