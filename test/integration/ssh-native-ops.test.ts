/**
 * The Perl driver's native ops (remote-driver.pl) against the sh scripts they stand for, on a lab
 * host's real sshd: the same stat lines for every kind of path (links, fifos, sticky and setgid
 * directories, unknown owners, names with quotes, `%` and newlines) and the same files after an
 * atomic write (content, mode, owner; errors with the path and the OS reason; no temp file left) —
 * one connection on the sh driver, one on the Perl driver, same host, same inputs.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshConnection } from '../../src/connections/ssh.js';
import { startLab, type Lab, type LabHost } from '../lab/index.js';
import { fileModule } from '../../src/modules/file.js';
import { statPath, statPaths, type Attributes, type RemoteStat } from '../../src/files/stat.js';
import { keepOwner, writeFile } from '../../src/files/write.js';
import { codeAsset } from '../../src/paths.js';
import { callModule, fingerprintPaths, labConnection } from './module-helpers.js';

let lab: Lab;
let host: LabHost;
let perl: SshConnection;
let sh: SshConnection;
const D = '/tmp/native-ops';
// quotes, %-escapes and newlines in names: the NUL-framed stat format reads every one back exactly
const odd = `${D}/we ird'na%0Ame`;
const nl = `${D}/new\nline`;
const nlDir = `${D}/dir\nwith newline`;

beforeAll(async () => {
  lab = await startLab({ hosts: [{ name: 'native1', distro: 'debian', services: [] }] });
  host = lab.hosts[0];
  perl = labConnection(lab, host);
  sh = labConnection(lab, host, { remoteDriver: 'sh' });
  const r = await host.exec(
    [
      `rm -rf ${D}; mkdir -p ${D}/sub ${D}/sticky ${D}/setgid ${D}/full`,
      `chmod 1777 ${D}/sticky; chmod 2750 ${D}/setgid`,
      `printf hello > ${D}/f; chmod 640 ${D}/f; : > ${D}/empty`,
      `printf x > '${odd.replace(/'/g, `'\\''`)}'`,
      `printf n > '${nl}'; mkdir '${nlDir}'; printf i > '${nlDir}/f'; ln -s 'to\nwhere' ${D}/nllink`,
      `ln -s f ${D}/link; ln -s nowhere ${D}/dangling; mkfifo ${D}/fifo`,
      `printf o > ${D}/owned; chown nobody:nogroup ${D}/owned`,
      `printf u > ${D}/uid; chown 4242:4343 ${D}/uid`,
      // a full filesystem, in the host's own mount namespace
      `mount -t tmpfs -o size=8k certfleet-full ${D}/full`,
    ].join(' && '),
  );
  expect(r.stderr).toBe('');
});
afterAll(async () => {
  await Promise.all([perl?.close(), sh?.close()]);
  await lab?.stop();
});

/** An atomic write as copy does it: an existing file keeps its mode and owner unless told otherwise. */
async function atomicWrite(
  c: SshConnection,
  path: string,
  content: Buffer | string,
  a: Attributes & { existing?: RemoteStat },
): Promise<void> {
  const old = a.existing?.type === 'file' ? a.existing : undefined;
  const f = { path, content, mode: a.mode ?? old?.mode ?? 0o644, owner: a.owner, group: a.group };
  await writeFile(c, { ...f, keep: keepOwner(old, a) });
}

/** Both connections, labelled: the same operation runs on each. */
const drivers = () =>
  [
    ['sh', sh],
    ['perl', perl],
  ] as const;

/** Which process runs a shared job's /bin/sh — the driver's command name. */
async function driverName(c: SshConnection): Promise<string> {
  const r = await c.exec('ps -o comm= -p $PPID; ps -o comm= -p $$', { shared: true });
  return r.stdout.includes('perl') ? 'perl' : 'sh';
}

describe('the remote drivers', () => {
  it('the Perl driver compiles under strict and warnings', () => {
    const out = execFileSync(
      'perl',
      ['-Mstrict', '-Mwarnings', '-c', codeAsset('connections', 'remote-driver.pl')],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    expect(out).toBe('');
  });

  it('auto picks Perl on a host that has it, sh when told; a native op replaces its script only there', async () => {
    expect(await driverName(perl)).toBe('perl');
    expect(await driverName(sh)).toBe('sh');
    const native = { op: 'stat', args: ['', '1', `${D}/f`] };
    const viaPerl = await perl.exec('exit 99', { shared: true, native });
    expect(viaPerl.code).toBe(0);
    // seven NUL-terminated fields: path, type, mode, owner, group, "sha256  -\n", link target
    const fields = viaPerl.stdout.split('\0');
    expect(fields.slice(0, 5)).toEqual(['/tmp/native-ops/f', 'file', '640', 'root', 'root']);
    expect(fields[5]).toMatch(/^[0-9a-f]{64} {2}-\n$/);
    expect(fields.slice(6)).toEqual(['', '']);
    expect((await sh.exec('exit 99', { shared: true, native })).code).toBe(99);
    // not when the command had to be wrapped (here: a working directory)
    expect((await perl.exec('exit 99', { shared: true, native, cwd: '/' })).code).toBe(99);
  });

  it('stat: the same answer from both drivers for every kind of path', async () => {
    const cases: [string, string?][] = [
      [`${D}/f`],
      [`${D}/empty`],
      [odd],
      [`${D}/link`],
      [`${D}/dangling`],
      [`${D}/fifo`],
      [`${D}/sticky`],
      [`${D}/setgid`],
      [`${D}/owned`],
      [`${D}/uid`],
      [`${D}/absent`],
      [`${D}/sub`, 'f'],
      [`${D}/`, 'f'],
      [`${D}/f`, 'x'],
      ['/'],
      [nl],
      [nlDir, 'f'],
      [`${D}/nllink`],
    ];
    const seen: RemoteStat[] = [];
    for (const [path, intoDir] of cases) {
      const a = await statPath(sh, path, { intoDir });
      const b = await statPath(perl, path, { intoDir });
      expect(b, `${path} ${intoDir ?? ''}`).toEqual(a);
      seen.push(b);
    }
    // the cases cover what they claim
    expect(seen.map((s) => s.type)).toEqual([
      'file',
      'file',
      'file',
      'link',
      'link',
      'other',
      'directory',
      'directory',
      'file',
      'file',
      'absent',
      'absent',
      'file',
      'file',
      'directory',
      'file',
      'file',
      'link',
    ]);
    expect(seen[6].mode).toBe(0o1777);
    expect(seen[7].mode).toBe(0o2750);
    expect(seen[8]).toMatchObject({ owner: 'nobody', group: 'nogroup' });
    expect(seen[9]).toMatchObject({ owner: 'UNKNOWN', group: 'UNKNOWN' });
    expect(seen[12].path).toBe(`${D}/f`);
    expect(seen[15]).toMatchObject({ path: nl, type: 'file', mode: 0o644 });
    expect(seen[16].path).toBe(`${nlDir}/f`);
    expect(seen[17].linkTarget).toBe('to\nwhere');
    // many paths in one round trip: the same records as one at a time
    for (const [, c] of drivers())
      expect(
        await statPaths(
          c,
          cases.map(([p]) => p),
          { intoDir: 'f' },
        ),
      ).toEqual(await Promise.all(cases.map(([p]) => statPath(c, p, { intoDir: 'f' }))));
  });

  it('mkdir (file state=directory): the same tree from both drivers; the same errors', async () => {
    const trees: string[] = [];
    for (const [label, c] of drivers()) {
      const top = `${D}/mk-${label}`;
      for (const params of [
        {
          path: `${top}/a/b/c`,
          state: 'directory' as const,
          mode: '0750',
          owner: 'nobody',
          group: 'nogroup',
        },
        { path: `${top}//x//y/`, state: 'directory' as const },
        { path: `${top}/g`, state: 'directory' as const, group: 'nogroup' },
      ])
        expect((await callModule(fileModule, c, params)).changed).toBe(true);
      const paths = ['', '/a', '/a/b', '/a/b/c', '/x', '/x/y', '/g'].map((x) => `${top}${x}`);
      trees.push(await fingerprintPaths(host, paths));
      await expect(
        callModule(fileModule, c, { path: `${D}/f/sub/dir`, state: 'directory' }),
        label,
      ).rejects.toThrow(`${D}/f/sub/dir: mkdir: cannot create directory`);
      await expect(
        callModule(fileModule, c, { path: `${top}/u`, state: 'directory', owner: 'nosuchuser' }),
        label,
      ).rejects.toThrow(/invalid user: .nosuchuser/);
    }
    expect(trees[1]).toBe(trees[0]);
    expect(trees[0]).toContain('dir 750 nobody:nogroup');
    expect(trees[0]).toContain('dir 755 root:nogroup');
  });

  describe('atomic write: the same files from both drivers', () => {
    const blob = Buffer.concat([randomBytes(150_000), Buffer.from('\x1e\0%0A\n\x1f tail')]);
    const writes: {
      name: string;
      content: Buffer | string;
      attrs: Attributes;
      existing?: string;
    }[] = [
      { name: 'key', content: 'secret\n', attrs: { mode: 0o600 } },
      { name: 'default', content: 'plain', attrs: {} },
      { name: 'script', content: '#!/bin/sh\n', attrs: { mode: 0o755 } },
      { name: 'setuid', content: 'x', attrs: { mode: 0o4750 } },
      { name: 'owner', content: 'x', attrs: { owner: 'nobody', group: 'nogroup', mode: 0o640 } },
      { name: 'grouponly', content: 'x', attrs: { group: 'nogroup' } },
      { name: 'blob', content: blob, attrs: { mode: 0o644 } },
      { name: "we ird'na%0Ame\nline", content: 'odd name', attrs: {} },
      // an existing file keeps its mode and its owner
      { name: 'kept', content: 'new', attrs: {}, existing: 'chmod 604 F; chown nobody:nogroup F' },
    ];
    for (const w of writes)
      it(w.name.replace(/\n/g, '\\n'), async () => {
        const results: string[] = [];
        for (const [label, c] of drivers()) {
          const dir = `${D}/w-${label}`;
          const f = `${dir}/${w.name}`;
          const q = `'${f.replace(/'/g, `'\\''`)}'`;
          await host.exec(
            `mkdir -p ${dir} && rm -f ${q}${w.existing ? ` && printf old > ${q} && ${w.existing.replace(/F/g, q)}` : ''}`,
          );
          const existing = await statPath(c, f);
          await atomicWrite(c, f, w.content, { ...w.attrs, existing });
          const bytes = await host.exec(`cat ${q} | od -An -c | md5sum`);
          results.push(
            (await fingerprintPaths(host, [f.replace(/'/g, `'\\''`)])) +
              bytes.stdout +
              (await host.exec(`ls -A ${dir} | grep -c '^\\.certfleet' || true`)).stdout,
          );
        }
        expect(results[1]).toBe(results[0]);
        expect(results[0]).toMatch(/\n0\n$/); // no temp file left
      });

    it('errors name the path and the reason; nothing is left behind', async () => {
      for (const [label, c] of drivers()) {
        await expect(atomicWrite(c, `${D}/nodir/x`, 'x', {}), label).rejects.toThrow(
          `cannot write ${D}/nodir/x: destination directory ${D}/nodir does not exist`,
        );
        await expect(atomicWrite(c, `${D}/f-${label}`, 'x', { owner: 'nosuchuser' }), label).rejects.toThrow(
          /invalid user: .nosuchuser/,
        );
        await expect(
          atomicWrite(c, `${D}/full/big`, randomBytes(64_000), { mode: 0o600 }),
          label,
        ).rejects.toThrow(/cannot write \/tmp\/native-ops\/full\/big: .*No space left on device/);
        await host.exec(`mount -o remount,ro ${D}/full`);
        await expect(atomicWrite(c, `${D}/full/ro`, 'x', {}), label).rejects.toThrow(
          /cannot write \/tmp\/native-ops\/full\/ro: .*\/tmp\/native-ops\/full\/\.certfleet\.[0-9a-f]+\.tmp: Read-only file system/,
        );
        await host.exec(`mount -o remount,rw ${D}/full`);
      }
      const left = await host.exec(
        `ls -A ${D} ${D}/full | grep -c certfleet || true; ls ${D} | grep -c '^f-' || true`,
      );
      expect(left.stdout).toBe('0\n0\n');
    });
  });
});
