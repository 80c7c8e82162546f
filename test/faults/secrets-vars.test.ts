/**
 * Secrets given as variables (vars_files, `-e @file`, `-e k=v`) through the real CLI: never printed in
 * any output mode (plain, -v, --json, --diff), and a `[WARNING]: ... is readable by group and others`
 * line when the credentials file is group/world readable (row S1 of the reliability table).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordRow } from './record.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules/tsx/dist/loader.mjs');
const CLI = join(ROOT, 'src/cli/index.ts');

const SECRETS = {
  tsig_secret: 'dHNpZy1zZWNyZXQtdmFsdWUtZm9yLXRlc3Q=',
  ovh_application_secret: 'ovhAppSecret7f3a9c',
  ovh_consumer_key: 'ovhConsumerKey41d2e8',
  aws_secret_access_key: 'awsSecretKey/9xQ+Zt2',
};

const dir = mkdtempSync(join(tmpdir(), 'certfleet-secrets-vars-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(join(dir, 'inv'), 'localhost ansible_connection=local\n');
const secretsFile = join(dir, 'secrets.yml');
writeFileSync(
  secretsFile,
  Object.entries(SECRETS)
    .map(([k, v]) => `${k}: "${v}"`)
    .join('\n') + '\n',
);
writeFileSync(
  join(dir, 'site.yml'),
  [
    '- hosts: all',
    '  gather_facts: false',
    '  vars_files: [secrets.yml]',
    '  tasks:',
    '    - debug: msg="key {{ tsig_secret }} / {{ ovh_consumer_key }}"',
    '    - debug: var=aws_secret_access_key',
    '    - copy:',
    `        dest: ${join(dir, 'out.conf')}`,
    '        content: "secret={{ ovh_application_secret }}\\n"',
    '        mode: "0600"',
    '',
  ].join('\n'),
);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, stderr: r.stderr };
}

function expectNoSecret(text: string): void {
  for (const [name, value] of Object.entries(SECRETS)) {
    expect(text.includes(value), `${name} leaked:\n${text}`).toBe(false);
  }
}

describe('secrets in variables files', () => {
  it.each([[[]], [['-v']], [['--json']], [['--diff', '-v']]])(
    'run %j prints no secret, whatever the output mode',
    (flags: string[]) => {
      rmSync(join(dir, 'out.conf'), { force: true });
      chmodSync(secretsFile, 0o600);
      const r = cli('run', '-i', 'inv', 'site.yml', '-e', 'extra_token=cliTokenValue123', ...flags);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain('********');
      expectNoSecret(r.out);
      expect(r.out).not.toContain('cliTokenValue123');
      expect(r.stderr).not.toContain('[WARNING]');
    },
    90_000,
  );

  it('warns when the credentials file is readable by group/others (vars_files and -e @file)', () => {
    chmodSync(secretsFile, 0o644);
    const r = cli('run', '-i', 'inv', 'site.yml', '-e', `@${secretsFile}`);
    expect(r.code, r.out).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('[WARNING]:'));
    const line =
      `[WARNING]: ${secretsFile} is readable by group and others (mode 0644) and holds credentials ` +
      `(aws_secret_access_key, ovh_application_secret, ovh_consumer_key, tsig_secret); run: chmod 600 ${secretsFile}`;
    expect(warnings).toEqual([line]);
    expectNoSecret(r.out);

    // `certfleet validate` reads vars_files too: the same warning before any host is contacted
    const v = cli('validate', '-i', 'inv', 'site.yml');
    expect(v.code, v.out).toBe(0);
    expect(v.stderr).toContain(line);

    chmodSync(secretsFile, 0o600);
    const again = cli('run', '-i', 'inv', 'site.yml');
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('[WARNING]');
    recordRow({
      row: 'S1',
      fault: 'credentials vars file readable by group/others (mode 0644)',
      user_sees: line.replaceAll(dir, '<dir>'),
      exit_code: r.code ?? -1,
      host_serves_after:
        'run completes; secret values printed as ******** in plain, -v, --json and --diff output',
      rerun: 'after chmod 600: no warning, exit 0',
      test: 'test/faults/secrets-vars.test.ts',
    });
  }, 120_000);
});
