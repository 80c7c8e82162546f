/**
 * State files: one JSON per lab under /run/certfleet-lab, written atomically, so that `lab:down`
 * (stopAllLabs) can find and remove labs left behind by a crashed or detached process.
 */
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STATE_DIR } from './netns.js';
import type { LabState } from './types.js';

/** Path of a lab's state file. */
export const stateFile = (id: string): string => join(STATE_DIR, `${id}.json`);

/** Write a file through a temp name and rename, so readers never see half of it. */
export async function writeFileAtomic(path: string, content: string, mode = 0o644): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, content, { mode });
  await rename(tmp, path);
}

/** Serialises state writes of one lab (hosts start in parallel). */
export class StateWriter {
  private chain: Promise<void> = Promise.resolve();
  constructor(readonly state: LabState) {}
  /** Queue a write of the current state. */
  save(): Promise<void> {
    const json = JSON.stringify(this.state, null, 2);
    this.chain = this.chain.then(async () => {
      await mkdir(STATE_DIR, { recursive: true });
      await writeFileAtomic(stateFile(this.state.id), json);
    });
    return this.chain;
  }
}

/** Every lab state on this machine (unreadable files are skipped). */
export async function readStates(): Promise<LabState[]> {
  const names = await readdir(STATE_DIR).catch(() => [] as string[]);
  const out: LabState[] = [];
  for (const n of names.filter((x) => /^[0-9a-f]+\.json$/.test(x))) {
    try {
      out.push(JSON.parse(await readFile(join(STATE_DIR, n), 'utf8')) as LabState);
    } catch {
      // a half-deleted lab; orphan cleanup handles its objects
    }
  }
  return out;
}

/** Remove a lab's state file (idempotent). */
export async function removeState(id: string): Promise<void> {
  await rm(stateFile(id), { force: true });
}
