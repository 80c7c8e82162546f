/**
 * copy, template, file, lineinfile, blockinfile, command and shell on a real lab host over SSH: first
 * run changed, second unchanged, check mode writes nothing, diffs (never with key material), and an
 * unchanged copy sends no bytes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshConnection } from '../../src/connections/ssh.js';
import { ModuleError } from '../../src/errors.js';
import { startLab, type Lab, type LabHost } from '../lab/index.js';
import { blockinfileModule } from '../../src/modules/blockinfile.js';
import { commandModule } from '../../src/modules/command.js';
import { copyModule } from '../../src/modules/copy.js';
import { fileModule } from '../../src/modules/file.js';
import { lineinfileModule } from '../../src/modules/lineinfile.js';
import { shellModule } from '../../src/modules/shell.js';
import { templateModule } from '../../src/modules/template.js';
import { callModule, expectIdempotent, fingerprintPaths, labConnection } from './module-helpers.js';

let lab: Lab;
let host: LabHost;
let conn: SshConnection;
let dir: string;
const KEY =
  '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIKey0nlyForTests000000000000000000000\n-----END PRIVATE KEY-----\n';

beforeAll(async () => {
  lab = await startLab({ hosts: [{ name: 'mod1', distro: 'debian', services: [] }] });
  host = lab.hosts[0];
  conn = labConnection(lab, host);
  dir = mkdtempSync(join(tmpdir(), 'certfleet-modtest-'));
  mkdirSync(join(dir, 'files'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(
    join(dir, 'files', 'fullchain.pem'),
    '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
  );
  writeFileSync(join(dir, 'files', 'site.key'), KEY);
  writeFileSync(join(dir, 'templates', 'site.conf.hbs'), 'server_name {{ domain }};\nlisten {{ port }};\n');
  await host.exec(
    'mkdir -p /root/t && printf "old line\\n" > /root/t/existing.txt && chmod 640 /root/t/existing.txt',
  );
});
afterAll(async () => {
  await conn?.close();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('copy', () => {
  it('creates from src, then sends no bytes when unchanged', async () => {
    const params = { src: 'fullchain.pem', dest: '/root/t/fullchain.pem', mode: '0644' };
    const first = await expectIdempotent(copyModule, conn, host, params, ['/root/t/fullchain.pem'], { dir });
    expect(first.diff?.[0].unified).toContain('+-----BEGIN CERTIFICATE-----');
    const sent = conn.stats.bytesSent;
    const execs = conn.stats.execs;
    const again = await callModule(copyModule, conn, params, { dir });
    expect(again.changed).toBe(false);
    expect(conn.stats.bytesSent - sent).toBe(0);
    expect(conn.stats.execs - execs).toBe(1); // the compare step is one round trip
  });

  it('writes a key 0600 atomically and never shows it in a diff', async () => {
    const params = { src: 'site.key', dest: '/root/t/', mode: '0600' };
    const first = await expectIdempotent(copyModule, conn, host, params, ['/root/t/site.key'], { dir });
    expect(JSON.stringify(first)).not.toContain('Key0nly');
    expect(first.diff?.[0].unified).toContain('(diff hidden: private key)');
    expect((await host.exec('stat -c %a /root/t/site.key')).stdout).toBe('600\n');
    expect((await host.exec('ls -a /root/t | grep -c certfleet || true')).stdout.trim()).toBe('0');
  });

  it('updates content with a unified diff, keeps a backup, and fixes only the mode when content matches', async () => {
    const params = { content: 'new line\n', dest: '/root/t/existing.txt', backup: true };
    const first = await expectIdempotent(copyModule, conn, host, params, ['/root/t/existing.txt']);
    expect(first.diff?.[0].unified).toMatch(/-old line\n\+new line/);
    expect(String(first.data?.backup_file)).toMatch(/^\/root\/t\/existing\.txt\..*~$/);
    expect((await host.exec('stat -c %a /root/t/existing.txt')).stdout).toBe('640\n'); // mode kept
    const sent = conn.stats.bytesSent;
    const mode = await callModule(copyModule, conn, { ...params, mode: 600 }, { diff: true });
    expect(mode).toMatchObject({ changed: true, msg: 'attributes updated' });
    expect(conn.stats.bytesSent - sent).toBe(0);
  });

  it('fails clearly on bad parameters and missing sources', async () => {
    await expect(
      callModule(copyModule, conn, { dest: '/x', content: 'a', bogus: 1 } as never),
    ).rejects.toThrow('invalid parameters: copy.bogus: unknown key "bogus"');
    await expect(callModule(copyModule, conn, { src: 'templates', dest: '/x' }, { dir })).rejects.toThrow(
      /src "templates" is a directory/,
    );
    await expect(callModule(copyModule, conn, { src: 'nope.pem', dest: '/x' }, { dir })).rejects.toThrow(
      /could not find src "nope.pem"/,
    );
    await expect(callModule(copyModule, conn, { content: 'a', dest: '/no/such/dir/f' })).rejects.toThrow(
      /destination directory \/no\/such\/dir does not exist/,
    );
  });
});

describe('copy and file details', () => {
  it('copies into an existing directory, respects force: false, and applies attributes recursively', async () => {
    await host.exec('mkdir -p /root/t/into/sub && touch /root/t/into/sub/f && chmod 700 /root/t/into/sub');
    const into = await callModule(copyModule, conn, { src: 'fullchain.pem', dest: '/root/t/into' }, { dir });
    expect(into).toMatchObject({ changed: true, data: { dest: '/root/t/into/fullchain.pem' } });
    await host.exec("printf 'keep me\\n' > /root/t/keep");
    expect(
      (await callModule(copyModule, conn, { content: 'other\n', dest: '/root/t/keep', force: false }))
        .changed,
    ).toBe(false);
    expect((await host.exec('cat /root/t/keep')).stdout).toBe('keep me\n');
    await expectIdempotent(fileModule, conn, host, { path: '/root/t/into', mode: '0755', recurse: true }, [
      '/root/t/into',
      '/root/t/into/sub/f',
    ]);
    expect((await host.exec('stat -c %a /root/t/into/sub /root/t/into/sub/f')).stdout).toBe('755\n755\n');
  });
});

describe('template', () => {
  it('renders on the control node and delivers like copy', async () => {
    const params = { src: 'site.conf.hbs', dest: '/root/t/site.conf', mode: 644 }; // what YAML 1.2 makes of `mode: 0644`
    const vars = { domain: 'example.test', port: 443 };
    const first = await expectIdempotent(templateModule, conn, host, params, ['/root/t/site.conf'], {
      dir,
      vars,
    });
    expect(first.diff?.[0].unified).toContain('+server_name example.test;');
    expect((await host.exec('cat /root/t/site.conf; stat -c %a /root/t/site.conf')).stdout).toBe(
      'server_name example.test;\nlisten 443;\n644\n',
    );
    await expect(callModule(templateModule, conn, params, { dir, vars: {} })).rejects.toThrow(
      /cannot render template/,
    );
  });
});

describe('file', () => {
  it('directory, touch, link and absent', async () => {
    await expectIdempotent(fileModule, conn, host, { path: '/root/t/d', state: 'directory', mode: '0750' }, [
      '/root/t/d',
    ]);
    await expectIdempotent(fileModule, conn, host, { path: '/root/t/l', state: 'link', src: '/root/t/d' }, [
      '/root/t/l',
    ]);
    await expectIdempotent(fileModule, conn, host, { path: '/root/t/l', state: 'absent' }, ['/root/t/l']);
    await expectIdempotent(fileModule, conn, host, { path: '/root/t/d', mode: '0700' }, ['/root/t/d']);
    const touched = await callModule(fileModule, conn, { path: '/root/t/new', state: 'touch' });
    expect(touched.changed).toBe(true);
    expect((await host.exec('test -f /root/t/new && echo yes')).stdout).toBe('yes\n');
    await expect(callModule(fileModule, conn, { path: '/root/t/missing', state: 'file' })).rejects.toThrow(
      /is absent/,
    );
  });
});

describe('lineinfile', () => {
  it('replaces the regexp line, inserts after an anchor, removes lines', async () => {
    await host.exec("printf 'a=1\\nport=80\\nz=9\\n' > /root/t/conf");
    const first = await expectIdempotent(
      lineinfileModule,
      conn,
      host,
      { path: '/root/t/conf', regexp: '^port=', line: 'port=443' },
      ['/root/t/conf'],
    );
    expect(first.diff?.[0].unified).toMatch(/-port=80\n\+port=443/);
    await expectIdempotent(
      lineinfileModule,
      conn,
      host,
      { path: '/root/t/conf', line: 'b=2', insertafter: '^a=' },
      ['/root/t/conf'],
    );
    await expectIdempotent(
      lineinfileModule,
      conn,
      host,
      { path: '/root/t/conf', regexp: '^z=', state: 'absent' },
      ['/root/t/conf'],
    );
    expect((await host.exec('cat /root/t/conf')).stdout).toBe('a=1\nb=2\nport=443\n');
    await expectIdempotent(
      lineinfileModule,
      conn,
      host,
      { path: '/root/t/created', line: 'x', create: true },
      ['/root/t/created'],
    );
    await expect(callModule(lineinfileModule, conn, { path: '/root/t/none', line: 'x' })).rejects.toThrow(
      /does not exist/,
    );
  });
});

describe('blockinfile', () => {
  it('inserts, updates and removes a block with Ansible markers', async () => {
    await host.exec("printf 'top\\n' > /root/t/block");
    const params = { path: '/root/t/block', block: 'ssl on;\nssl_protocols TLSv1.3;' };
    await expectIdempotent(blockinfileModule, conn, host, params, ['/root/t/block']);
    expect((await host.exec('cat /root/t/block')).stdout).toBe(
      'top\n# BEGIN ANSIBLE MANAGED BLOCK\nssl on;\nssl_protocols TLSv1.3;\n# END ANSIBLE MANAGED BLOCK\n',
    );
    await expectIdempotent(blockinfileModule, conn, host, { ...params, block: 'ssl off;' }, [
      '/root/t/block',
    ]);
    await expectIdempotent(
      blockinfileModule,
      conn,
      host,
      { path: '/root/t/block', state: 'absent' as const },
      ['/root/t/block'],
    );
    expect((await host.exec('cat /root/t/block')).stdout).toBe('top\n');
  });
});

describe('command and shell', () => {
  it('runs without shell features, honours creates/removes, fails on rc != 0', async () => {
    const r = await callModule(commandModule, conn, { cmd: 'echo $HOME "a  b" | x' });
    expect(r).toMatchObject({
      changed: true,
      data: { rc: 0, stdout: '$HOME a  b | x', stdout_lines: ['$HOME a  b | x'] },
    });
    const guarded = { cmd: 'touch /root/t/made', creates: '/root/t/made' };
    await expectIdempotent(commandModule, conn, host, guarded, ['/root/t/made']);
    expect((await callModule(commandModule, conn, { cmd: 'true' }, { check: true })).skipped).toBe(true);
    const err = await callModule(commandModule, conn, { argv: ['ls', '/nonexistent'] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ModuleError);
    expect((err as ModuleError).message).toMatch(/non-zero return code 2: ls: cannot access '\/nonexistent'/);
    expect((err as ModuleError).data).toMatchObject({ rc: 2 });
  });

  it('shell runs pipelines, stdin and chdir', async () => {
    const r = await callModule(shellModule, conn, {
      cmd: 'cat | tr a-z A-Z; pwd',
      stdin: 'hi',
      chdir: '/srv',
    });
    expect(r.data).toMatchObject({ rc: 0, stdout: 'HI\n/srv', stdout_lines: ['HI', '/srv'] });
    await expectIdempotent(
      shellModule,
      conn,
      host,
      { cmd: 'rm -f /root/t/made && echo gone', removes: '/root/t/made' },
      ['/root/t/made'],
    );
    expect(await fingerprintPaths(host, ['/root/t/made'])).toBe('absent\n');
  });
});
