/**
 * Fault-matrix rows recorded by the tests: each test writes what the user saw and what happened
 * after, into `test-artifacts/reliability/<row>.json`; `scripts/gen-reliability-doc.mjs` renders them
 * as the table in docs/reliability.md. Only passing assertions reach `recordRow`.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One row of the reliability table. */
export interface RowResult {
  /** row id from issue 7 (e.g. `19`) or a named extra row (`S1`) */
  row: string;
  fault: string;
  /** the one error/warning line the user sees */
  user_sees: string;
  exit_code: number;
  /** what hosts serve / what is left on disk after the fault */
  host_serves_after: string;
  /** what a re-run after the fault is removed does */
  rerun: string;
  test: string;
}

const DIR = join(import.meta.dirname, '..', '..', 'test-artifacts', 'reliability');

/** Write one row result (temp name + rename, so the generator never reads half a file). */
export function recordRow(r: RowResult): void {
  mkdirSync(DIR, { recursive: true });
  const file = join(DIR, `row-${r.row}.json`);
  writeFileSync(`${file}.tmp-${process.pid}`, `${JSON.stringify(r, null, 2)}\n`);
  renameSync(`${file}.tmp-${process.pid}`, file);
}
