/**
 * A journal as a JSON file in the state directory (`<dir>/<kind>-journal.json`): entries are written
 * before the thing they describe exists (a TXT record presented, a challenge token placed) and
 * removed once it is cleaned up, so a crashed run's leftovers can be removed later. Writes go to a
 * temp file renamed into place; updates within a process are serialized per file.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Journal } from './types.js';

interface JournalFile<T> {
  version: 1;
  entries: T[];
}

const queues = new Map<string, Promise<unknown>>();

/** Run `fn` after every earlier update of `file` in this process (read-modify-write stays atomic). */
function serialized<R>(file: string, fn: () => Promise<R>): Promise<R> {
  const next = (queues.get(file) ?? Promise.resolve()).then(fn, fn);
  queues.set(
    file,
    next.catch(() => undefined),
  );
  return next;
}

/** The journal file of `kind` in a state directory. */
export function journalFile(dir: string, kind: string): string {
  return join(dir, `${kind}-journal.json`);
}

/** A file-backed journal. */
export class FileJournal<T extends K, K extends object> implements Journal<T, K> {
  readonly file: string;

  constructor(
    private readonly dir: string,
    kind: string,
    private readonly same: (a: K, b: K) => boolean,
  ) {
    this.file = journalFile(dir, kind);
  }

  async read(): Promise<T[]> {
    try {
      const data = JSON.parse(await readFile(this.file, 'utf8')) as JournalFile<T>;
      return Array.isArray(data.entries) ? data.entries : [];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`cannot read the cleanup journal ${this.file}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  add(entries: T[]): Promise<void> {
    return serialized(this.file, async () => {
      const current = await this.read();
      const fresh = entries.filter((e) => !current.some((c) => this.same(c, e)));
      await this.write([...current, ...fresh]);
    });
  }

  remove(entries: K[]): Promise<void> {
    return serialized(this.file, async () => {
      const current = await this.read();
      const rest = current.filter((c) => !entries.some((e) => this.same(c, e)));
      if (rest.length !== current.length) await this.write(rest);
    });
  }

  private async write(entries: T[]): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const body: JournalFile<T> = { version: 1, entries };
    await writeFile(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.file);
  }
}
