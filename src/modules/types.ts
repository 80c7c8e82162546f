/**
 * The module contract (STYLE.md §3). A module validates its parameters (ajv schema, unknown keys
 * fail), computes the desired state, compares, and writes only when `changed && !check`.
 * Failures throw ModuleError; connection problems ConnectionError.
 */
import type { Connection } from '../connections/connection.js';
import type { FileDiff } from '../output/diff.js';

export interface ModuleResult {
  changed: boolean;
  msg?: string;
  diff?: FileDiff[];
  /** values exposed to `register` (e.g. stdout, rc, path, serial) */
  data?: Record<string, unknown>;
  warnings?: string[];
  /** true when the module chose not to run (e.g. no check-mode support) */
  skipped?: boolean;
}

/** Everything a module may use while it runs on one host. */
export interface ModuleContext<P> {
  params: P;
  /** inventory name of the target host (or `localhost`) */
  host: string;
  /** all variables visible to the task (inventory, play, facts, registered) */
  vars: Record<string, unknown>;
  /** the host's gathered facts (`ansible_facts`-like), empty when not gathered */
  facts: Record<string, unknown>;
  /** the host's connection, opened on first use */
  conn: Connection;
  check: boolean;
  diff: boolean;
  become: boolean;
  /** directories searched for `src:` of copy/template: role files/templates, playbook dir */
  searchPaths: { files: string[]; templates: string[] };
  /** directory of the playbook (state_dir defaults beside it) */
  playbookDir: string;
  /** render a handlebars template string with the task's variables */
  render(template: string): string;
  warn(message: string): void;
  signal: AbortSignal;
}

export interface ModuleDef<P = Record<string, unknown>> {
  /** snake_case name as users write it in playbooks */
  name: string;
  /** JSON Schema of the parameters (also the module's docs) */
  schema: object;
  /** the module's argument when written in free form (`command: ls -l` → `cmd`) */
  freeForm?: string;
  checkMode: 'full' | 'none';
  diffMode: 'full' | 'none';
  /** parameters that are never printed (redacted in results, logs and events) */
  secretParams?: (keyof P & string)[];
  /** runs on the control node whatever the task's host (acme_certificate) */
  controlNode?: boolean;
  run(ctx: ModuleContext<P>): Promise<ModuleResult>;
}
