/**
 * `certfleet schedule install|status|exec`: run a playbook twice a day, as Let's Encrypt advises,
 * at a random time so a fleet of control nodes does not hit the CA at once. A systemd timer +
 * service (system or `--user-unit`) when systemd runs, else `/etc/cron.d/certfleet-NAME` with a
 * random minute. The job goes through `schedule exec`, which rotates its own log (keep N) and
 * appends a last line `certfleet schedule: exit CODE at TIME` that `status` reads.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { appendFile, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { writeFileAtomic } from '../store/fs-atomic.js';
import { ConfigError } from '../errors.js';

/** Where the files of one schedule go. */
export interface SchedulePaths {
  kind: 'systemd' | 'cron';
  unitDir?: string;
  files: string[];
  log: string;
}

const q = (s: string) => (/^[A-Za-z0-9_./:=@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function scheduleName(playbook: string): string {
  return `certfleet-${basename(playbook)
    .replace(/\.ya?ml$/, '')
    .replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

function unitDir(root: string, user: boolean): string {
  return user ? join(root, homedir(), '.config/systemd/user') : join(root, 'etc/systemd/system');
}

/** The script this process runs (dist/cli/index.js when installed; the CLI entry in any case). */
function certfleetEntry(): string {
  return process.argv[1]
    ? resolve(process.argv[1])
    : resolve(dirname(fileURLToPath(import.meta.url)), 'index.js');
}

/** The command the job runs (absolute paths: timers and cron have no useful cwd or PATH). */
function jobCommand(playbook: string, inventories: string[], log: string, keep: number): string[] {
  const bin = certfleetEntry();
  const inv = inventories.flatMap((i) => ['-i', resolve(i)]);
  return [
    process.execPath,
    bin,
    'schedule',
    'exec',
    '--log',
    log,
    '--keep',
    String(keep),
    '--',
    'run',
    resolve(playbook),
    ...inv,
  ];
}

/** Write the timer + service or the cron entry under `root` ('/' normally; a temp dir in tests). */
export async function installSchedule(o: {
  playbook: string;
  inventories: string[];
  root: string;
  user: boolean;
  keep: number;
  cron?: boolean;
  random?: () => number;
}): Promise<SchedulePaths> {
  const random = o.random ?? Math.random;
  const name = scheduleName(o.playbook);
  const systemd = !o.cron && existsSync(join(o.root, 'run/systemd/system'));
  const logDir = o.user ? join(homedir(), '.local/state/certfleet') : '/var/log/certfleet';
  const log = join(logDir, `${name}.log`);
  const cmd = jobCommand(o.playbook, o.inventories, log, o.keep).map(q).join(' ');
  const workDir = resolve(dirname(o.playbook));
  if (systemd) {
    const dir = unitDir(o.root, o.user);
    const service = `[Unit]\nDescription=certfleet: ${basename(o.playbook)}\nWants=network-online.target\nAfter=network-online.target\n\n[Service]\nType=oneshot\nWorkingDirectory=${workDir}\nExecStart=${cmd}\n`;
    // twice a day at a random offset (RandomizedDelaySec), catching up after downtime (Persistent)
    const timer = `[Unit]\nDescription=certfleet twice a day: ${basename(o.playbook)}\n\n[Timer]\nOnCalendar=*-*-* 00,12:00:00\nRandomizedDelaySec=43200\nFixedRandomDelay=true\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n`;
    const files = [join(dir, `${name}.service`), join(dir, `${name}.timer`)];
    await writeFileAtomic(files[0], service);
    await writeFileAtomic(files[1], timer);
    return { kind: 'systemd', unitDir: dir, files, log };
  }
  if (o.user)
    throw new ConfigError('schedule install: --user-unit needs systemd (no /run/systemd/system here)');
  const minute = Math.floor(random() * 60);
  const hour = Math.floor(random() * 12);
  const file = join(o.root, 'etc/cron.d', name);
  await writeFileAtomic(
    file,
    `# certfleet: ${o.playbook}\nSHELL=/bin/sh\n${minute} ${hour},${hour + 12} * * * root cd ${q(workDir)} && ${cmd}\n`,
  );
  return { kind: 'cron', files: [file], log };
}

/** Rotate `log` → `log.1` … `log.N` when it is larger than maxBytes. */
export async function rotateLog(log: string, keep: number, maxBytes = 1 << 20): Promise<void> {
  const size = await stat(log).then(
    (s) => s.size,
    () => 0,
  );
  if (size <= maxBytes) return;
  await rm(`${log}.${keep}`, { force: true });
  for (let i = keep - 1; i >= 1; i--) await rename(`${log}.${i}`, `${log}.${i + 1}`).catch(() => {});
  if (keep >= 1) await rename(log, `${log}.1`);
  else await rm(log, { force: true });
}

/** Installed schedules under root, with their last result from the log. */
export async function scheduleStatus(
  root: string,
  user: boolean,
): Promise<{ name: string; kind: string; file: string; last?: string }[]> {
  const out: { name: string; kind: string; file: string; last?: string }[] = [];
  const found: { name: string; kind: string; file: string; text: string }[] = [];
  for (const [kind, dir, suffix] of [
    ['systemd', unitDir(root, user), '.service'],
    ['cron', join(root, 'etc/cron.d'), ''],
  ] as const) {
    for (const f of await readdir(dir).catch(() => [] as string[])) {
      if (!f.startsWith('certfleet-') || (suffix && !f.endsWith(suffix))) continue;
      found.push({
        name: f.replace(suffix, ''),
        kind,
        file: join(dir, f),
        text: await readFile(join(dir, f), 'utf8'),
      });
    }
  }
  for (const f of found) {
    const log = /--log (\S+)/.exec(f.text)?.[1];
    const text = log ? await readFile(log.replace(/^'|'$/g, ''), 'utf8').catch(() => '') : '';
    const last = text
      .split('\n')
      .reverse()
      .find((l) => l.startsWith('certfleet schedule: exit'));
    out.push({ name: f.name, kind: f.kind, file: f.file, last });
  }
  return out;
}

/** Register `schedule install|status|exec`. */
export function registerSchedule(program: Command): void {
  const sch = program.command('schedule').description('run a playbook twice a day (systemd timer or cron)');
  sch
    .command('install <playbook>')
    .description('write a systemd timer + service (or a cron entry without systemd)')
    .requiredOption('-i, --inventory <path...>', 'inventory file(s)')
    .option('--user-unit', 'a systemd user unit instead of a system one')
    .option('--cron', 'a cron entry even when systemd runs')
    .option('--keep <n>', 'rotated logs to keep', '5')
    .option('--root <dir>', 'write under this directory instead of / (tests, images)', '/')
    .action(
      async (
        playbook: string,
        o: { inventory: string[]; userUnit?: boolean; cron?: boolean; keep: string; root: string },
      ) => {
        const keep = Number(o.keep);
        if (!Number.isInteger(keep) || keep < 0)
          throw new ConfigError(`--keep must be a non-negative integer, got "${o.keep}"`);
        if (!existsSync(playbook)) throw new ConfigError(`schedule install: playbook ${playbook} not found`);
        const r = await installSchedule({
          playbook,
          inventories: o.inventory,
          root: resolve(o.root),
          user: !!o.userUnit,
          keep,
          cron: o.cron,
        });
        for (const f of r.files) process.stdout.write(`wrote ${f}\n`);
        const name = basename(r.files[0]).replace(/\.service$/, '');
        if (r.kind === 'systemd') {
          const ctl = o.userUnit ? 'systemctl --user' : 'systemctl';
          process.stdout.write(`enable it: ${ctl} daemon-reload && ${ctl} enable --now ${name}.timer\n`);
        }
        process.stdout.write(`log: ${r.log} (rotated, keep ${keep})\n`);
      },
    );
  sch
    .command('status')
    .description('installed schedules and the result of their last run')
    .option('--user-unit', 'look at user units')
    .option('--root <dir>', 'look under this directory instead of /', '/')
    .action(async (o: { userUnit?: boolean; root: string }) => {
      const rows = await scheduleStatus(resolve(o.root), !!o.userUnit);
      if (!rows.length) process.stdout.write('no certfleet schedule installed\n');
      for (const r of rows)
        process.stdout.write(`${r.name}  ${r.kind}  ${r.file}  ${r.last ?? 'never ran'}\n`);
    });
  sch
    .command('exec')
    .description('(used by the timer) run certfleet with its output appended to a rotated log')
    .requiredOption('--log <file>', 'log file')
    .option('--keep <n>', 'rotated logs to keep', '5')
    .argument('<args...>', 'certfleet arguments after --')
    .action(async (args: string[], o: { log: string; keep: string }) => {
      await mkdir(dirname(o.log), { recursive: true, mode: 0o750 });
      await rotateLog(o.log, Number(o.keep));
      await appendFile(o.log, `certfleet schedule: start ${new Date().toISOString()}: ${args.join(' ')}\n`);
      const out = createWriteStream(o.log, { flags: 'a' });
      const code = await new Promise<number>((res) => {
        const child = spawn(process.execPath, [...process.execArgv, certfleetEntry(), ...args], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout.pipe(out, { end: false });
        child.stderr.pipe(out, { end: false });
        child.on('error', (err) => {
          out.write(`certfleet schedule: cannot start: ${err.message}\n`);
          res(1);
        });
        child.on('close', (c) => res(c ?? 1));
      });
      out.end(`certfleet schedule: exit ${code} at ${new Date().toISOString()}\n`);
      await finished(out);
      process.exitCode = code;
    });
}
