/**
 * The playbook data model, after loading: plays, tasks, blocks, handlers and roles with every
 * inherited keyword already pushed down (tags, when, vars, become) so the engine never walks parents.
 * Values that may contain `{{ }}` are kept raw; the engine renders them per host.
 */
import type { SourceLocation } from '../errors.js';

/** Where a task's variables come from, lowest precedence first (role defaults ... task vars). */
export interface VarScopes {
  /** role defaults of the enclosing role(s), below inventory vars */
  roleDefaults: Record<string, unknown>;
  /** role vars of the enclosing role(s), above play vars and vars_files */
  roleVars: Record<string, unknown>;
  /** block vars, outermost first, merged */
  blockVars: Record<string, unknown>;
  /** the task's own `vars:` */
  taskVars: Record<string, unknown>;
}

/** One module invocation with its keywords. */
export interface Task {
  kind: 'task';
  name?: string;
  /** module name as written (short or ansible.builtin.*), or `meta` */
  module: string;
  /** raw module arguments (free form already split into the module's keys) */
  args: Record<string, unknown>;
  /** where the module's key (or its args mapping) is in the source: module arg issues point here */
  argsRoot?: { root: unknown; prefix: (string | number)[] };
  /** all conditions, inherited ones first; every one must be true */
  when: string[];
  loop?: unknown;
  loopVar: string;
  loopLabel?: string;
  register?: string;
  notify: string[];
  /** own tags plus every enclosing block/role/play tag */
  tags: string[];
  checkMode?: boolean;
  diff?: boolean;
  ignoreErrors: boolean;
  changedWhen?: string[];
  failedWhen?: string[];
  delegateTo?: string;
  runOnce: boolean;
  become?: boolean;
  becomeUser?: string;
  /** `no_log: true`: the result, message, item and diff are never shown */
  noLog: boolean;
  environment?: Record<string, unknown>;
  vars: VarScopes;
  /** role the task came from (for files/templates search paths) */
  roleDir?: string;
  /** directory that relative paths of this task are resolved against */
  baseDir: string;
  /** handler topics (handlers only) */
  listen: string[];
  source: SourceLocation;
}

/** A block with rescue/always sections; each section holds tasks or nested blocks. */
export interface Block {
  kind: 'block';
  name?: string;
  block: TaskItem[];
  rescue: TaskItem[];
  always: TaskItem[];
  source: SourceLocation;
}

export type TaskItem = Task | Block;

/** How many hosts run a play together: one batch size per entry, the last repeats. */
export type Serial = (number | string)[];

/** One play, ready to run. */
export interface Play {
  name: string;
  hosts: string;
  vars: Record<string, unknown>;
  /** merged vars_files content, in order */
  varsFiles: Record<string, unknown>;
  gatherFacts: boolean;
  /** pre_tasks, then roles and tasks, then post_tasks: handlers flush after each section */
  sections: TaskItem[][];
  handlers: Task[];
  serial?: Serial;
  maxFailPercentage?: number;
  anyErrorsFatal: boolean;
  checkMode?: boolean;
  diff?: boolean;
  become?: boolean;
  /** play-level `environment:` (task-level values win) */
  environment?: Record<string, unknown>;
  source: SourceLocation;
}

/** A loaded, fully validated playbook. */
export interface Playbook {
  file: string;
  dir: string;
  plays: Play[];
}
