/**
 * The `certfleet` command as installed: the single-file bundle (`dist/bundle/certfleet.js`, built by
 * `npm run build`, which `npm test` runs first). The bundle moves code out of its tree, so this
 * proves the files that ship beside the code are still found: the version from package.json, the
 * JSON schemas (a playbook error with its location), the project's roles, and the audit's host script;
 * and that its validators compiled at build time (dist/config/validators.cjs) report exactly what the
 * sources, compiling them at run time, report — for every broken inventory fixture and a playbook
 * with a problem of each kind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { inventoryArgs } from '../integration/inventory-helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};
const BIN = join(ROOT, pkg.bin.certfleet);
const dir = mkdtempSync(join(tmpdir(), 'certfleet-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `certfleet ARGS` in the test's own directory. */
function certfleet(...args: string[]) {
  return fromBundle(dir, ...args);
}

/** The same command from the TypeScript sources (validators compiled at run time), from `cwd`. */
function fromSources(cwd: string, ...args: string[]) {
  const tsx = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  const r = spawnSync(process.execPath, ['--import', tsx, join(ROOT, 'src/cli/index.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The bundle, from `cwd`. */
function fromBundle(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

writeFileSync(join(dir, 'inv.yml'), 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');

describe('the installed command (bundle)', () => {
  it('its build-time validators report exactly what run-time compiled ones do', () => {
    expect(existsSync(join(ROOT, 'dist/config/validators.cjs'))).toBe(true);
    const broken = join(ROOT, 'test/fixtures/inventory/broken');
    for (const c of readdirSync(broken)) {
      const caseDir = join(broken, c);
      const args = ['validate', ...inventoryArgs(caseDir)];
      const a = fromBundle(caseDir, ...args);
      expect(a.code, `${c}: ${a.out}`).toBe(4);
      expect(a, c).toEqual(fromSources(caseDir, ...args));
    }
    // schema problems (the playbook's own schema), then module argument problems (the modules')
    writeFileSync(
      join(dir, 'schema.yml'),
      "- hosts: all\n  serial: many\n  tasks:\n    - debug: {msg: hi}\n      loop: 7\n      when: 'a ==='\n",
    );
    writeFileSync(
      join(dir, 'args.yml'),
      [
        '- hosts: all',
        '  tasks:',
        '    - copy: {src: a, dest: b, mode: [1], bogus: 2}',
        '    - file: {state: nowhere}',
        '    - template: {src: 3}',
        '    - service: {name: nginx, state: sleeping}',
        '    - lineinfile: {path: /x, line: y, insertafter: [1]}',
        '    - include_tasks: broken-tasks.yml',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'broken-tasks.yml'),
      '- name: x\n  command: {argv: 3, chdir: [x]}\n- blockx: []\n',
    );
    for (const [pb, atLeast] of [
      ['schema.yml', 2],
      ['args.yml', 7],
    ] as const) {
      const a = fromBundle(dir, 'validate', '-i', 'inv.yml', pb);
      expect(a.code, a.out).toBe(4);
      expect(a.out.trim().split('\n').length, a.out).toBeGreaterThanOrEqual(atLeast);
      expect(a).toEqual(fromSources(dir, 'validate', '-i', 'inv.yml', pb));
    }
  });

  it('is the bundle and prints the package version', () => {
    expect(pkg.bin.certfleet).toBe('dist/bundle/certfleet.js');
    expect(certfleet('--version')).toEqual({ code: 0, out: `${pkg.version}\n` });
  });

  it('finds its schemas: a bad playbook is refused with file:line:col (exit 4)', () => {
    writeFileSync(join(dir, 'bad.yml'), '- hosts: all\n  tasks:\n    - debug: {msg: hi}\n      bogus: 1\n');
    const r = certfleet('validate', 'bad.yml', '-i', 'inv.yml');
    expect(r.code).toBe(4);
    expect(r.out).toContain(`${join(dir, 'bad.yml')}:4:7: unknown task keyword "bogus"`);
  });

  it("finds the project's roles and runs a play on the control node", () => {
    // a role is looked up beside the playbook first, then in certfleet's own roles/
    writeFileSync(
      join(dir, 'roles.yml'),
      '- hosts: all\n  gather_facts: false\n  roles:\n    - role: nginx_tls\n      when: false\n  tasks:\n    - debug: {msg: ran}\n',
    );
    const r = certfleet('run', 'roles.yml', '-i', 'inv.yml');
    expect(r.out).toContain('ok: [localhost] => ran');
    expect(r.code).toBe(0);
  });

  it("finds the audit's host script", () => {
    const r = certfleet('audit', '-i', 'inv.yml', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ schema: 'certfleet.audit/v1' });
  });
});
