/**
 * What the engine knows about one host during a run: its inventory vars, gathered facts,
 * set_fact/registered values, notified handlers, failure state and its one connection.
 * `taskVars` builds the variables a task sees with Ansible's precedence (lowest first):
 * role defaults < inventory (group < host) < facts < play vars < vars_files < role vars <
 * block vars < task vars < set_fact/registered < extra vars; magic variables last.
 */
import type { Connection } from '../connections/connection.js';
import type { Play, Task } from '../playbook/types.js';

/** Run-wide variables shared by every host (groups, extra vars...). */
export interface RunScope {
  extraVars: Record<string, unknown>;
  groups: Record<string, string[]>;
  playbookDir: string;
  check: boolean;
  /** hostvars: inventory vars plus facts, by host name (filled as facts arrive) */
  hostvars: Record<string, Record<string, unknown>>;
}

/** One host's state for the whole run. */
export class HostState {
  facts: Record<string, unknown> = {};
  /** set_fact and registered results: they outlive the play, as in Ansible */
  hostFacts: Record<string, unknown> = {};
  notified = new Set<string>();
  failed = false;
  unreachable = false;
  private conn?: Connection;

  constructor(
    readonly name: string,
    readonly inventoryVars: Record<string, unknown>,
    readonly groupNames: string[],
    private readonly open: (host: string, vars: Record<string, unknown>) => Connection,
  ) {}

  /** Still taking tasks in this play? */
  get alive(): boolean {
    return !this.failed && !this.unreachable;
  }

  /** The host's connection, created on first use (it connects lazily itself). */
  connection(vars: Record<string, unknown>): Connection {
    this.conn ??= this.open(this.name, vars);
    return this.conn;
  }

  /** Close the connection if one was opened; errors while closing are not the run's failure. */
  async close(): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    if (c) await c.close().catch(() => undefined);
  }

  /** Facts as Ansible exposes them: `ansible_facts.x` and the top-level alias `ansible_x`. */
  factVars(): Record<string, unknown> {
    const out: Record<string, unknown> = { ansible_facts: this.facts };
    for (const [k, v] of Object.entries(this.facts)) out[k.startsWith('ansible_') ? k : `ansible_${k}`] = v;
    return out;
  }

  /** Every variable a task sees on this host. */
  taskVars(play: Play, task: Task | undefined, scope: RunScope): Record<string, unknown> {
    const v = task?.vars;
    return {
      ...v?.roleDefaults,
      ...this.inventoryVars,
      ...this.factVars(),
      ...play.vars,
      ...play.varsFiles,
      ...v?.roleVars,
      ...v?.blockVars,
      ...v?.taskVars,
      ...this.hostFacts,
      ...scope.extraVars,
      inventory_hostname: this.name,
      inventory_hostname_short: this.name.split('.')[0],
      group_names: this.groupNames,
      groups: scope.groups,
      hostvars: scope.hostvars,
      playbook_dir: scope.playbookDir,
      ansible_check_mode: scope.check,
      ...(task?.roleDir ? { role_path: task.roleDir } : {}),
    };
  }
}
