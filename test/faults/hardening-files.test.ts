/**
 * Issue 12, points 2 and 3, on every connection (local, SSH with the Perl driver, SSH with the sh
 * driver): a destination path is exact whatever bytes it holds (`dest: "/x/victim\nsuffix"` writes
 * that file and never `/x/victim`), and a controller SIGKILLed in the middle of a large copy leaves
 * the destination as it was (the temp file is renamed only once its sha256 matches what was sent).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connections/connection.js';
import { LocalConnection } from '../../src/connections/local.js';
import { blockinfileModule } from '../../src/modules/blockinfile.js';
import { copyModule } from '../../src/modules/copy.js';
import { fileModule } from '../../src/modules/file.js';
import { lineinfileModule } from '../../src/modules/lineinfile.js';
import { templateModule } from '../../src/modules/template.js';
import { callModule, labConnection } from '../integration/module-helpers.js';
import { startLab, type Lab, type LabHost } from '../lab/index.js';
import { recordRow } from './record.js';

const ROOT = join(import.meta.dirname, '..', '..');
const LOADER = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const TEST = 'test/faults/hardening-files.test.ts';

let lab: Lab;
let host: LabHost;
let project: string;
const conns: [string, Connection][] = [];
/** A shell on the target of each connection: the lab host for SSH, this machine for local. */
const shellOf = (label: string) => (cmd: string) =>
  label === 'local'
    ? new LocalConnection().exec(cmd)
    : host.exec(cmd).then((r) => ({ ...r, code: r.code as number | null }));

beforeAll(async () => {
  lab = await startLab({ hosts: [{ name: 'hard1', distro: 'debian', services: [] }] });
  host = lab.hosts[0];
  conns.push(
    ['local', new LocalConnection()],
    ['ssh-perl', labConnection(lab, host)],
    ['ssh-sh', labConnection(lab, host, { remoteDriver: 'sh' })],
  );
  project = mkdtempSync(join(tmpdir(), 'certfleet-hard-'));
  writeFileSync(join(project, 'src.txt'), 'from src\n');
  writeFileSync(join(project, 't.j2'), 'rendered {{ x }}\n');
});
afterAll(async () => {
  await Promise.all(conns.map(([, c]) => c.close()));
  await lab?.stop();
  rmSync(project, { recursive: true, force: true });
});

describe('exact paths (issue 12.2)', () => {
  it('copy, template, lineinfile, blockinfile and file write the named path, never a prefix of it', async () => {
    for (const [label, c] of conns) {
      const sh = shellOf(label);
      const d = `/tmp/certfleet-exact-${label}-${process.pid}`;
      expect((await sh(`rm -rf ${d}; mkdir -p ${d}; printf untouched > ${d}/victim`)).code).toBe(0);
      const name = `${d}/victim\nsuffix`;
      const o = { dir: project, vars: { x: 1 }, diff: true };
      const cases: [string, () => Promise<{ changed: boolean; diff?: { path: string }[] }>][] = [
        ['copy', () => callModule(copyModule, c, { content: 'copied\n', dest: name }, o)],
        ['copy src', () => callModule(copyModule, c, { src: 'src.txt', dest: `${name}.2` }, o)],
        ['template', () => callModule(templateModule, c, { src: 't.j2', dest: `${name}.3` }, o)],
        [
          'lineinfile',
          () => callModule(lineinfileModule, c, { path: `${name}.4`, line: 'l', create: true }, o),
        ],
        [
          'blockinfile',
          () => callModule(blockinfileModule, c, { path: `${name}.5`, block: 'b', create: true }, o),
        ],
        ['file', () => callModule(fileModule, c, { path: `${name}.6`, state: 'directory' }, o)],
      ];
      for (const [what, call] of cases) {
        const first = await call();
        expect(first.changed, `${label} ${what}`).toBe(true);
        // the diff names the exact path, and a second run finds it (so it was written where named)
        for (const fd of first.diff ?? []) expect(fd.path.startsWith(name), `${label} ${what}`).toBe(true);
        expect((await call()).changed, `${label} ${what} again`).toBe(false);
      }
      const listing = await sh(`cd ${d} && for f in *; do printf '%s|' "$f"; done; cat victim`);
      expect(listing.stdout, label).toBe(
        ['victim', 'victim\nsuffix', ...[2, 3, 4, 5, 6].map((i) => `victim\nsuffix.${i}`)].sort().join('|') +
          '|untouched',
      );
      expect((await sh(`cat '${name}'`)).stdout).toBe('copied\n');
      await sh(`rm -rf ${d}`);
    }
    recordRow({
      row: 'H2',
      fault:
        'a destination path holding a newline (`dest: "/x/victim\\nsuffix"`), on the local connection and over SSH with both drivers',
      user_sees: 'nothing special: the task reports changed for that exact path (the --diff names it whole)',
      exit_code: 0,
      host_serves_after:
        '/x/victim untouched; the file named "victim<newline>suffix" written (copy, template, lineinfile, blockinfile, file)',
      rerun: 'changed=0 (the stat reply is NUL-framed: the path is found again exactly)',
      test: TEST,
    });
  });
});

/** Start a controller writing SIZE bytes to DEST over KIND, SIGKILL it once the write is under way. */
async function killMidCopy(kind: string, dest: string, size: number, tmpAppeared: () => Promise<boolean>) {
  const args = [kind, dest, String(size)];
  if (kind !== 'local') args.push(host.ip, String(host.port), lab.keyFile, lab.knownHostsFile);
  const child = spawn(process.execPath, [
    '--import',
    LOADER,
    join(ROOT, 'test/faults/copy-child.ts'),
    ...args,
  ]);
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const ended = new Promise<void>((r) => child.on('close', () => r()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', async (d: Buffer) => {
      out += d.toString();
      if (!out.includes('writing\n')) return;
      // locally, wait until the host side has begun writing its temp file: the kill then lands mid-copy
      const deadline = Date.now() + 20_000;
      while (kind === 'local' && !(await tmpAppeared()) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 5));
      child.kill('SIGKILL');
      resolve();
    });
    child.on('close', () => reject(new Error(`the controller ended before the kill: ${out}`)));
  });
  await ended;
  return out;
}

describe('a controller killed mid-copy (issue 12.3)', () => {
  it('leaves the destination as it was on every connection, and no temp file', async () => {
    const seen: string[] = [];
    for (const [label] of conns) {
      const sh = shellOf(label);
      const d =
        label === 'local' ? mkdtempSync(join(tmpdir(), 'certfleet-kill-')) : `/tmp/certfleet-kill-${label}`;
      await sh(`rm -rf ${d}; mkdir -p ${d}; printf previous > ${d}/dest`);
      const tmpAppeared = async () => readdirSync(d).some((n) => n.startsWith('.certfleet'));
      let cut = false;
      for (let attempt = 0; attempt < 3 && !cut; attempt++) {
        const out = await killMidCopy(label, `${d}/dest`, 64 * 1024 * 1024, tmpAppeared);
        expect(out, label).not.toContain('done');
        // the host side finishes on its own (the orphaned shell, the driver's job): wait for it
        const deadline = Date.now() + 30_000;
        let left: string;
        do {
          await new Promise((r) => setTimeout(r, 200));
          left = (await sh(`cd ${d} && ls -A | grep -c '^\\.certfleet' || true`)).stdout.trim();
        } while (left !== '0' && Date.now() < deadline);
        expect(left, `${label}: temp file left`).toBe('0');
        const size = (await sh(`wc -c < ${d}/dest`)).stdout.trim();
        // all or nothing, never a truncated file; a kill after the transfer completed would be "all"
        expect(['8', String(64 * 1024 * 1024)], label).toContain(size);
        cut = size === '8';
      }
      expect(cut, `${label}: the kill never landed mid-copy in 3 attempts`).toBe(true);
      expect((await sh(`cat ${d}/dest`)).stdout).toBe('previous');
      seen.push(label);
      if (label === 'local') rmSync(d, { recursive: true, force: true });
      else await sh(`rm -rf ${d}`);
    }
    expect(seen).toEqual(['local', 'ssh-perl', 'ssh-sh']);
    recordRow({
      row: 'H3',
      fault:
        'the controller SIGKILLed in the middle of copying a 64 MB file, on the local connection and over SSH (Perl and sh drivers)',
      user_sees: 'the killed run prints nothing more',
      exit_code: 137,
      host_serves_after:
        'the destination keeps its previous content (never a truncated file: the temp file is renamed only when its sha256 matches what was sent, and a driver never runs a job that did not arrive whole); no temp file left',
      rerun: 'the next run writes the file whole',
      test: TEST,
    });
  });
});
