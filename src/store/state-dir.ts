/**
 * Where the state is, decided once for every module and command: the task's `state_dir:`, then the
 * `certfleet_state_dir` variable (inventory, group_vars, -e), then `.certfleet` beside the playbook.
 * An empty value counts as unset, so `state_dir: "{{ x | default('') }}"` falls through. A relative
 * path is relative to the playbook's directory.
 */
import { isAbsolute, join } from 'node:path';

/** The state directory for a task (or a command run from `playbookDir`). */
export function stateDirOf(
  param: string | undefined,
  vars: Record<string, unknown>,
  playbookDir: string,
): string {
  const fromVars = typeof vars.certfleet_state_dir === 'string' ? vars.certfleet_state_dir : undefined;
  const v = [param, fromVars].find((x) => x !== undefined && x !== '');
  if (v === undefined) return join(playbookDir, '.certfleet');
  return isAbsolute(v) ? v : join(playbookDir, v);
}
