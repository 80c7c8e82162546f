/**
 * Fault-matrix rows that need no lab daemons: 2 (host unreachable: refused, and a silent port bounded by
 * `--timeout`) and 19 (template error before any change; undefined variable at run time), through the
 * real CLI with a local host beside the broken ones. Each records its row for docs/reliability.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordRow } from './record.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules/tsx/dist/loader.mjs');
const CLI = join(ROOT, 'src/cli/index.ts');
const dir = mkdtempSync(join(tmpdir(), 'certfleet-fault-cli-'));

// a TCP port that accepts and never says a word: the SSH banner never comes
let silent: Server;
const sockets: Socket[] = [];
let silentPort = 0;
// a port nothing listens on: taken then released
let closedPort = 0;

beforeAll(async () => {
  silent = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as { port: number }).port;
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, seconds: (Date.now() - started) / 1000 };
}

const errorLines = (out: string) => out.split('\n').filter((l) => /fatal:|failed:|error:/.test(l));

describe('row 2: host unreachable from the start', () => {
  it('refused and silent hosts are unreachable (exit 3) within --timeout; the local host converges', () => {
    writeFileSync(
      join(dir, 'inv-2'),
      [
        'local ansible_connection=local',
        `refused ansible_host=127.0.0.1 ansible_port=${closedPort} ansible_user=nobody`,
        `silent ansible_host=127.0.0.1 ansible_port=${silentPort} ansible_user=nobody`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'pb-2.yml'),
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {dest: "${dir}/{{ inventory_hostname }}.txt", content: "v1\\n"}\n`,
    );
    const r = cli('run', '-i', 'inv-2', 'pb-2.yml', '--timeout', '2');
    expect(r.code, r.out).toBe(3);
    const errs = errorLines(r.out);
    expect(errs).toEqual([
      `fatal: [refused]: UNREACHABLE! => refused: cannot connect to nobody@127.0.0.1:${closedPort}: connection refused`,
      `fatal: [silent]: UNREACHABLE! => silent: cannot connect to nobody@127.0.0.1:${silentPort}: timed out after 2 s`,
    ]);
    // bounded by --timeout (2 s) plus process start, not by the OS connect timeout
    expect(r.seconds).toBeLessThan(15);
    expect(readFileSync(join(dir, 'local.txt'), 'utf8')).toBe('v1\n');
    expect(existsSync(join(dir, 'refused.txt')) || existsSync(join(dir, 'silent.txt'))).toBe(false);

    const again = cli('run', '-i', 'inv-2', 'pb-2.yml', '--limit', 'local');
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/local\s*:\s*ok=1\s+changed=0\s+unreachable=0\s+failed=0/);
    recordRow({
      row: '2',
      fault: 'host unreachable from the start: port refused / silent port (no SSH banner), --timeout 2',
      user_sees: errs
        .join(' | ')
        .replaceAll(String(closedPort), 'PORT')
        .replaceAll(String(silentPort), 'PORT'),
      exit_code: 3,
      host_serves_after: `other hosts proceed (local host changed); run took ${r.seconds.toFixed(1)} s`,
      rerun: 'reachable host: ok=1 changed=0 (nothing to redo)',
      test: 'test/faults/cli-rows.test.ts',
    });
  }, 120_000);
});

describe('row 19: template error / undefined variable', () => {
  const play = (expr: string) =>
    `- hosts: all\n  gather_facts: false\n  tasks:\n` +
    `    - copy: {dest: "${dir}/first.txt", content: "one\\n"}\n` +
    `    - copy:\n        dest: "${dir}/second.txt"\n        content: "${expr}"\n`;

  it('an unknown filter is refused with file:line:col before any host changes (exit 4)', () => {
    writeFileSync(join(dir, 'inv-19'), 'local ansible_connection=local\n');
    writeFileSync(join(dir, 'pb-19a.yml'), play('{{ x | nosuchfilter }}'));
    const r = cli('run', '-i', 'inv-19', 'pb-19a.yml');
    expect(r.code, r.out).toBe(4);
    const errs = errorLines(r.out);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(
      new RegExp(`^certfleet: error: ${dir}/pb-19a\\.yml:7:\\d+: unknown filter "nosuchfilter"`),
    );
    expect(existsSync(join(dir, 'first.txt'))).toBe(false);
    expect(existsSync(join(dir, 'second.txt'))).toBe(false);

    writeFileSync(join(dir, 'pb-19a.yml'), play('{{ x | upper }}'));
    const fixed = cli('run', '-i', 'inv-19', 'pb-19a.yml', '-e', 'x=two');
    expect(fixed.code, fixed.out).toBe(0);
    expect(fixed.out).toMatch(/local\s*:\s*ok=2\s+changed=2/);
    recordRow({
      row: '19a',
      fault: 'template error (unknown filter) in a task',
      user_sees: errs[0]
        .replace(/\(known:.*$/, '')
        .trimEnd()
        .replaceAll(dir, '<dir>'),
      exit_code: 4,
      host_serves_after: 'nothing changed on any host (checked before connecting)',
      rerun: 'after the fix: changed=2 (both tasks apply)',
      test: 'test/faults/cli-rows.test.ts',
    });
  }, 120_000);

  it('an undefined variable fails that task with file:line:col (exit 4); the re-run changes only what is left', () => {
    rmSync(join(dir, 'first.txt'), { force: true });
    rmSync(join(dir, 'second.txt'), { force: true });
    writeFileSync(join(dir, 'pb-19b.yml'), play('{{ no_such_var }}'));
    const r = cli('run', '-i', 'inv-19', 'pb-19b.yml');
    expect(r.code, r.out).toBe(4);
    const errs = errorLines(r.out);
    expect(errs).toEqual([`failed: [local] => ${dir}/pb-19b.yml:5:7: undefined variable "no_such_var"`]);
    // variables are only known at run time (facts, register): earlier tasks ran, as in Ansible
    expect(readFileSync(join(dir, 'first.txt'), 'utf8')).toBe('one\n');
    expect(existsSync(join(dir, 'second.txt'))).toBe(false);

    const again = cli('run', '-i', 'inv-19', 'pb-19b.yml', '-e', 'no_such_var=now-defined');
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/local\s*:\s*ok=2\s+changed=1\s/);
    expect(readFileSync(join(dir, 'second.txt'), 'utf8')).toBe('now-defined');
    recordRow({
      row: '19b',
      fault: 'undefined variable in a task argument',
      user_sees: errs[0].replaceAll(dir, '<dir>'),
      exit_code: 4,
      host_serves_after: 'tasks before the failing one applied (as Ansible); the failing task wrote nothing',
      rerun: 'with the variable defined: ok=2 changed=1 (only the failed task)',
      test: 'test/faults/cli-rows.test.ts',
    });
  }, 120_000);
});
