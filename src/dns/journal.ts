/**
 * The cleanup journal: every TXT value is written to `<dir>/dns-journal.json` before it is presented
 * and removed once cleaned up, so records left by a crashed run can be removed later. Writes go to a
 * temp file renamed into place; updates within a process are serialized. No secret is stored: a
 * provider config is supplied again by whoever cleans up.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DnsChallenge } from './provider.js';

/** One value that may still be in DNS. */
export interface JournalEntry extends DnsChallenge {
  /** provider code (canonical, not alias) */
  provider: string;
  /** the run that added it */
  run: string;
  pid: number;
  addedAt: string;
}

interface JournalFile {
  version: 1;
  entries: JournalEntry[];
}

/** The journal file inside a state dir. */
export function journalPath(dir: string): string {
  return join(dir, 'dns-journal.json');
}

let queue: Promise<unknown> = Promise.resolve();

/** Run `fn` after every earlier journal update of this process (read-modify-write stays atomic). */
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const next = queue.then(fn, fn);
  queue = next.catch(() => undefined);
  return next;
}

/** Every entry of the journal (none when the file does not exist). */
export async function readJournal(dir: string): Promise<JournalEntry[]> {
  try {
    const data = JSON.parse(await readFile(journalPath(dir), 'utf8')) as JournalFile;
    return Array.isArray(data.entries) ? data.entries : [];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`dns: cannot read the cleanup journal ${journalPath(dir)}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

async function writeJournal(dir: string, entries: JournalEntry[]): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${journalPath(dir)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const body: JournalFile = { version: 1, entries };
  await writeFile(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, journalPath(dir));
}

function same(a: DnsChallenge & { provider: string }, b: DnsChallenge & { provider: string }): boolean {
  return a.provider === b.provider && a.fqdn === b.fqdn && a.value === b.value;
}

/** Record values about to be presented. */
export function journalAdd(dir: string, entries: JournalEntry[]): Promise<void> {
  return serialized(async () => {
    const current = await readJournal(dir);
    const fresh = entries.filter((e) => !current.some((c) => same(c, e)));
    await writeJournal(dir, [...current, ...fresh]);
  });
}

/** Forget values that were cleaned up. */
export function journalRemove(dir: string, entries: (DnsChallenge & { provider: string })[]): Promise<void> {
  return serialized(async () => {
    const current = await readJournal(dir);
    const rest = current.filter((c) => !entries.some((e) => same(c, e)));
    if (rest.length !== current.length) await writeJournal(dir, rest);
  });
}

/** Whether a process is alive (a zombie counts as gone: PID 1 reaps late here, LAB-NOTES). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/PID/stat: "pid (comm) STATE ..."; Z = exited, not reaped yet
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
