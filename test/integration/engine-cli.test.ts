/**
 * `certfleet run` and `certfleet validate` as users call them (real process): exit codes, plain and
 * --json output, -e forms, a listr2 TTY run under a pseudo-terminal, and SIGINT (finish the
 * running task, start nothing new, exit 130).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certfleet, repo, run as runCmd } from './inventory-helpers.js';
import { tempProject } from './engine-helpers.js';

let project: ReturnType<typeof tempProject>;
let inv: string;
beforeAll(() => {
  project = tempProject();
  inv = project.write(
    'inv.yml',
    `all:\n  vars: { ansible_connection: local, out: ${project.dir} }\n  hosts:\n    one: {}\n    two: {}\n`,
  );
  project.write('vars.yml', 'who: file\n');
  project.write(
    'ok.yml',
    `- hosts: all
  gather_facts: false
  tasks:
    - name: write
      copy: { content: "{{ who }} {{ n }}\\n", dest: "{{ out }}/{{ inventory_hostname }}.txt" }
`,
  );
  project.write(
    'fail.yml',
    `- hosts: all
  gather_facts: false
  tasks:
    - command: "false"
      when: inventory_hostname == 'two'
`,
  );
  project.write(
    'slow.yml',
    `- hosts: one
  gather_facts: false
  tasks:
    - command: sleep 1.5
    - copy: { content: late, dest: "{{ out }}/late.txt" }
      notify: h
  handlers:
    - name: h
      copy: { content: handled, dest: "{{ out }}/handled.txt" }
`,
  );
});
afterAll(() => project.cleanup());

describe('certfleet run (CLI)', () => {
  it('runs, takes -e in every form (later wins), exit 0, plain output', async () => {
    const r = await certfleet(
      ['run', 'ok.yml', '-i', inv, '-e', 'who=kv n=1', '-e', '@vars.yml', '-e', '{"n": 2}'],
      project.dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(project.dir, 'one.txt'), 'utf8')).toBe('file 2\n');
    // hosts report in completion order, as in Ansible
    expect(r.stdout).toMatch(/TASK \[write\] \*+\nchanged: \[(one|two)\]\nchanged: \[(one|two)\]\n/);
  }, 30_000);

  it('many hosts running a command at once print nothing on stderr (no listener warnings)', async () => {
    const hosts = Array.from({ length: 15 }, (_, i) => `    h${i}: {}`).join('\n');
    const many = project.write(
      'many.yml',
      `all:\n  vars: { ansible_connection: local }\n  hosts:\n${hosts}\n`,
    );
    project.write('sleep.yml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: sleep 0.3\n');
    const r = await certfleet(['run', 'sleep.yml', '-i', many], project.dir);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stderr).toBe('');
  }, 30_000);

  it('exit 2 when a host fails; --json gives NDJSON only', async () => {
    const r = await certfleet(['run', 'fail.yml', '-i', inv, '--json'], project.dir);
    expect(r.code).toBe(2);
    const events = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; v: number; exit_code?: number });
    expect(events.every((e) => e.v === 1)).toBe(true);
    expect(events.map((e) => e.event)).toEqual([
      'run_start',
      'play_start',
      'task_start',
      'host_result',
      'host_result',
      'recap',
      'run_end',
    ]);
    expect(events.at(-1)!.exit_code).toBe(2);
  }, 30_000);

  it('exit 4 with file:line:col for bad input, before running anything', async () => {
    project.write(
      'bad.yml',
      `- hosts: all\n  tasks:\n    - copy: { content: x, dest: "{{ out }}/bad.txt", mod: 1 }\n`,
    );
    const r = await certfleet(['run', 'bad.yml', '-i', inv], project.dir);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(
      `certfleet: error: ${join(project.dir, 'bad.yml')}:3:54: copy.mod: unknown key "mod"\n`,
    );
    expect(existsSync(join(project.dir, 'bad.txt'))).toBe(false);
    const v = await certfleet(['validate', '-i', inv, 'ok.yml', 'bad.yml'], project.dir);
    expect(v.code).toBe(4);
    expect(v.stderr).toContain('bad.yml:3:54: copy.mod: unknown key "mod"');
    const good = await certfleet(['validate', '-i', inv, 'ok.yml'], project.dir);
    expect(good.stdout).toContain('OK: playbook ok.yml: 1 play, 1 task, 0 handlers');
  }, 30_000);

  it('SIGINT: the running task finishes, nothing new starts, no handlers, exit 130', async () => {
    const loader = pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href;
    const child = spawn(
      process.execPath,
      ['--import', loader, join(repo, 'src/cli/index.ts'), 'run', 'slow.yml', '-i', inv],
      {
        cwd: project.dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // the sleep has started: interrupt while it runs
      if (out.includes('TASK [command]') && !child.killed) setTimeout(() => child.kill('SIGINT'), 300);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(err).toContain('interrupted');
    expect(out).toContain('changed: [one]');
    expect(out).toContain('PLAY RECAP');
    expect(existsSync(join(project.dir, 'late.txt'))).toBe(false);
    expect(existsSync(join(project.dir, 'handled.txt'))).toBe(false);
  }, 30_000);

  it('draws with listr2 on a TTY', async () => {
    const loader = pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href;
    const cmd = [
      process.execPath,
      '--import',
      loader,
      join(repo, 'src/cli/index.ts'),
      'run',
      'ok.yml',
      '-i',
      inv,
      '-e',
      'who=tty n=3',
    ];
    // `script` gives a pseudo-terminal; its default size is 0 columns, so set one
    const line = `stty cols 120 rows 40; ${cmd.map((c) => `'${c}'`).join(' ')}`;
    const r = await runCmd('script', ['-qec', line, '/dev/null'], project.dir);
    expect(r.code).toBe(0);
    // listr2's done mark and our per-host titles, then the recap
    // eslint-disable-next-line no-control-regex
    const text = r.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    expect(text).toMatch(/✔ TASK \[write\]/);
    expect(text).toMatch(/✔ one: changed/);
    expect(text).toContain('PLAY RECAP');
    expect(readFileSync(join(project.dir, 'two.txt'), 'utf8')).toBe('tty 3\n');
  }, 30_000);
});
