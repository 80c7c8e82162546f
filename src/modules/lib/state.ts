/**
 * The state store a task uses: `state_dir:` → `certfleet_state_dir` → `.certfleet` beside the
 * playbook (store/state-dir.ts), the same rule for every module.
 */
import { openStore } from '../../store/file-store.js';
import { stateDirOf } from '../../store/state-dir.js';
import type { StateStore } from '../../store/types.js';
import type { ModuleContext } from '../types.js';

/** The store for a task with an optional `state_dir` parameter. */
export function taskStore(stateDir: string | undefined, ctx: ModuleContext<unknown>): StateStore {
  return openStore(stateDirOf(stateDir, ctx.vars, ctx.playbookDir || process.cwd()));
}
