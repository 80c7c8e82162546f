/**
 * Playbook validation for `certfleet validate`: parse, schema, modules and their arguments, roles,
 * includes, templates' syntax and expressions — everything `certfleet run` checks before connecting —
 * returning issues instead of throwing, plus a one-line summary per valid playbook.
 */
import { ConfigError, type Issue } from '../errors.js';
import { flatten, loadPlaybook } from './load.js';
import type { Playbook } from './types.js';

/** Result of validating one playbook. */
export interface PlaybookValidation {
  file: string;
  playbook?: Playbook;
  issues: Issue[];
}

/** Validate playbooks one by one; bad input becomes issues, anything else is a bug and throws. */
export async function validatePlaybooks(files: string[]): Promise<PlaybookValidation[]> {
  const out: PlaybookValidation[] = [];
  for (const file of files) {
    try {
      out.push({ file, playbook: await loadPlaybook(file), issues: [] });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      out.push({ file, issues: err.issues });
    }
  }
  return out;
}

/** `OK: playbook site.yml: 2 plays, 7 tasks, 1 handler`. */
export function playbookSummary(v: PlaybookValidation): string {
  const pb = v.playbook!;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const tasks = pb.plays.reduce((n, p) => n + p.sections.reduce((m, s) => m + flatten(s).length, 0), 0);
  const handlers = pb.plays.reduce((n, p) => n + p.handlers.length, 0);
  return `OK: playbook ${v.file}: ${plural(pb.plays.length, 'play')}, ${plural(tasks, 'task')}, ${plural(handlers, 'handler')}`;
}
