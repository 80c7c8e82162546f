/**
 * The same playbooks under ansible-playbook (Debian ansible-core 2.14) and certfleet, on local hosts:
 * recap counts, exit status class and resulting files must match — also with serial batches and a
 * failure budget, and with the same -l / -t / --skip-tags / -e flags given to both.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInv, run, tempProject } from './engine-helpers.js';
import { certfleet } from './inventory-helpers.js';

const exec = promisify(execFile);
const playbook = resolve('test/fixtures/playbooks/compare/site.yml');
const flow = resolve('test/fixtures/playbooks/compare/flow.yml');
let project: ReturnType<typeof tempProject>;
beforeAll(() => (project = tempProject()));
afterAll(() => project.cleanup());

function inventory(out: string, names = ['h1', 'h2', 'h3']): string {
  mkdirSync(out, { recursive: true });
  const hosts = names.map((h) => `        ${h}: {}`).join('\n');
  return `all:\n  vars:\n    ansible_connection: local\n    ansible_python_interpreter: /usr/bin/python3\n    out: ${out}\n  children:\n    g:\n      hosts:\n${hosts}\n`;
}

function parseRecap(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const recap = text.slice(text.lastIndexOf('PLAY RECAP'));
  for (const m of recap.matchAll(/^(\S+)\s+:\s+(.*)$/gm)) {
    out[m[1]] = Object.fromEntries([...m[2].matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1], Number(x[2])]));
  }
  return out;
}

const files = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );

const ansibleEnv = () => ({
  ...process.env,
  ANSIBLE_HOME: join(project.dir, '.ansible'),
  ANSIBLE_LOCAL_TEMP: join(project.dir, '.ansible-tmp'),
  ANSIBLE_REMOTE_TEMP: join(project.dir, '.ansible-rtmp'),
  ANSIBLE_NOCOLOR: '1',
  ANSIBLE_HOST_KEY_CHECKING: 'False',
  ANSIBLE_RETRY_FILES_ENABLED: 'False',
});

describe('certfleet vs ansible-playbook', () => {
  const flags: [string, string[]][] = [
    ['no flags: the second batch never starts (50% failed > 40%)', []],
    ['-l h1:h3:h5', ['-l', 'h1:h3:h5']],
    ["-l 'all:!h2' -t start,second", ['-l', 'all:!h2', '-t', 'start,second']],
    ['--skip-tags fail', ['--skip-tags', 'fail']],
    ['-e key=value', ['-e', 'flavour=spicy']],
    ['-e JSON, -e @file', ['-e', '{"flavour": "json"}', '-e', '@EXTRA']],
  ];
  it.each(flags)(
    'serial + max_fail_percentage, %s: same recap, same files, same exit',
    async (_, args) => {
      const id = String(flags.findIndex(([, a]) => a === args));
      const extra = project.write(`extra-${id}.json`, '{"flavour": "from-file"}');
      const argv = args.map((a) => (a === '@EXTRA' ? `@${extra}` : a));
      const hosts = ['h1', 'h2', 'h3', 'h4', 'h5'];
      const aOut = join(project.dir, `flow-a-${id}`);
      const cOut = join(project.dir, `flow-c-${id}`);
      const aInv = project.write(`flow-a-${id}.yml`, inventory(aOut, hosts));
      const cInv = project.write(`flow-c-${id}.yml`, inventory(cOut, hosts));
      const ansible = await exec('ansible-playbook', ['-i', aInv, flow, ...argv], {
        env: ansibleEnv(),
        cwd: project.dir,
      }).then(
        (r) => ({ code: 0, stdout: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
      );
      const ours = await certfleet(['run', flow, '-i', cInv, ...argv], project.dir);
      expect(ours.stderr.replace(/^\[WARNING\].*\n/gm, '')).toBe('');
      expect(ours.code).toBe(ansible.code === 0 ? 0 : 2);
      expect(parseRecap(ours.stdout)).toEqual(parseRecap(ansible.stdout));
      expect(Object.keys(parseRecap(ours.stdout)).length).toBeGreaterThan(0);
      expect(files(cOut)).toEqual(files(aOut));
    },
    120_000,
  );

  it('gives the same recap and the same files', async () => {
    const aOut = join(project.dir, 'ansible');
    const cOut = join(project.dir, 'certfleet');
    const aInv = project.write('a.yml', inventory(aOut));
    const cInv = project.write('c.yml', inventory(cOut));
    const env = ansibleEnv();
    const ansible = await exec('ansible-playbook', ['-i', aInv, playbook], { env, cwd: project.dir }).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );
    const ours = await run({ playbook, inventory: await loadInv(cInv) });
    expect(ansible.code).toBe(2);
    expect(ours.exitCode).toBe(2);
    expect(ours.recap).toEqual(parseRecap(ansible.stdout));
    expect(parseRecap(ours.out)).toEqual(parseRecap(ansible.stdout));
    expect(files(cOut)).toEqual(files(aOut));
  }, 120_000);
});
