/**
 * The remote-file primitives against a real POSIX sh and filesystem (the local connection runs the
 * same scripts a host runs): exact paths whatever bytes they hold, NUL-framed stat records, writes
 * checked before the rename, backups restored exactly.
 */
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../connections/local.js';
import { newBackupDir, restoreBackup } from './backup.js';
import { readRemoteFile } from './read.js';
import { sha256 } from './script.js';
import { statPath, statPaths } from './stat.js';
import { writeFile, writeFiles } from './write.js';

const conn = new LocalConnection();
const dir = mkdtempSync(join(tmpdir(), 'certfleet-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Names a line-based format would cut in two, or read as another file. */
const ODD = [
  'new\nline',
  'victim\nsuffix',
  'qu\'ote"s',
  'per%0Acent',
  ' lead and trail ',
  'tab\there',
  'é ü 日本',
];

describe('statPaths', () => {
  it('reads every kind of path back exactly, many in one round trip', async () => {
    for (const n of ODD) writeFileSync(join(dir, n), n);
    symlinkSync('to\nwhere', join(dir, 'link\nname'));
    const paths = [...ODD.map((n) => join(dir, n)), join(dir, 'link\nname'), join(dir, 'absent\nx'), dir];
    const st = await statPaths(conn, paths);
    expect(st.map((s) => s.path)).toEqual(paths);
    expect(st.map((s) => s.type)).toEqual([...ODD.map(() => 'file'), 'link', 'absent', 'directory']);
    ODD.forEach((n, i) => expect(st[i].sha256, n).toBe(sha256(n)));
    expect(st[ODD.length].linkTarget).toBe('to\nwhere');
    // `victim\nsuffix` is not `victim`: no file of that name came into being
    expect(readdirSync(dir)).not.toContain('victim');
  });

  it('with intoDir, a directory means the file of that name inside it; hash: false skips the sum', async () => {
    const st = await statPath(conn, `${dir}/`, { intoDir: 'new\nline' });
    expect(st).toMatchObject({ path: join(dir, 'new\nline'), type: 'file' });
    expect((await statPath(conn, join(dir, 'tab\there'), { hash: false })).sha256).toBeUndefined();
  });

  it('refuses paths a host cannot hold before running anything', async () => {
    await expect(statPaths(conn, ['/tmp/a\0b'])).rejects.toThrow('contains a NUL byte');
    await expect(statPaths(conn, ['/tmp/\ud800x'])).rejects.toThrow('not valid Unicode');
  });
});

describe('writeFile / writeFiles', () => {
  it('writes exactly the named file, whatever its name holds; nothing else appears', async () => {
    const d = mkdtempSync(join(dir, 'w-'));
    writeFileSync(join(d, 'victim'), 'untouched');
    await writeFile(conn, { path: join(d, 'victim\nsuffix'), content: 'one', mode: 0o640 });
    await writeFiles(conn, { files: [{ path: join(d, 'x\ny'), content: 'two', mode: 0o600 }] });
    expect(readFileSync(join(d, 'victim'), 'utf8')).toBe('untouched');
    expect(readFileSync(join(d, 'victim\nsuffix'), 'utf8')).toBe('one');
    expect(statSync(join(d, 'victim\nsuffix')).mode & 0o777).toBe(0o640);
    expect(readFileSync(join(d, 'x\ny'), 'utf8')).toBe('two');
    expect(readdirSync(d).sort()).toEqual(['victim', 'victim\nsuffix', 'x\ny'].sort());
  });

  it('renames nothing when the bytes that arrived are not the bytes that were sent', async () => {
    const d = mkdtempSync(join(dir, 'short-'));
    writeFileSync(join(d, 'dest'), 'previous');
    // a transport that loses the tail of stdin, as a controller killed mid-transfer does
    const lossy = new LocalConnection();
    const exec = lossy.exec.bind(lossy);
    lossy.exec = (cmd, o = {}) =>
      exec(cmd, { ...o, stdin: o.stdin && Buffer.from(o.stdin).subarray(0, 1000), native: undefined });
    await expect(
      writeFile(lossy, { path: join(d, 'dest'), content: Buffer.alloc(5000, 7), mode: 0o644 }),
    ).rejects.toThrow(
      `the content of ${join(d, 'dest')} arrived incomplete (5000 bytes were sent): not written`,
    );
    expect(readFileSync(join(d, 'dest'), 'utf8')).toBe('previous');
    expect(readdirSync(d)).toEqual(['dest']);
  });

  it('restores a whole set exactly from its backup, odd names included', async () => {
    const d = mkdtempSync(join(dir, 'bk-'));
    writeFileSync(join(d, 'a\nb'), 'old');
    const backupDir = newBackupDir();
    await writeFiles(conn, {
      files: [
        { path: join(d, 'a\nb'), content: 'new', mode: 0o644 },
        { path: join(d, 'fresh\n'), content: 'x', mode: 0o644 },
      ],
      links: [{ path: join(d, 'l'), target: 'a\nb' }],
      backupDir,
    });
    expect(readFileSync(join(d, 'a\nb'), 'utf8')).toBe('new');
    await restoreBackup(conn, backupDir);
    expect(readdirSync(d)).toEqual(['a\nb']);
    expect(readFileSync(join(d, 'a\nb'), 'utf8')).toBe('old');
  });
});

describe('readRemoteFile', () => {
  it('gives the stat and the exact text in one round trip', async () => {
    const p = join(dir, 'text\nfile');
    writeFileSync(p, 'line 1\n\0 binary-ish\nend');
    const r = await readRemoteFile(conn, p);
    expect(r.stat.type).toBe('file');
    expect(r.text).toBe('line 1\n\0 binary-ish\nend');
    expect((await readRemoteFile(conn, join(dir, 'nope'))).text).toBeUndefined();
  });
});
