/**
 * The run's event stream (docs/events.md, schema version 1). The engine emits these; renderers
 * (plain lines, listr2 on a TTY, NDJSON with --json) only consume them. Every string an event
 * carries has already gone through `redact`.
 */

/** Version of the event schema; bumped on any incompatible change. */
export const EVENTS_VERSION = 1;

/** The recap line of one host. */
export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

/** Outcome of one task on one host. */
export type HostStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'ignored' | 'rescued';

/** Every event the engine emits. */
export type RunEvent =
  | { event: 'run_start'; playbook: string; check: boolean; diff: boolean }
  | { event: 'play_start'; play: string; hosts: string[] }
  | { event: 'task_start'; task: string; module: string; source: string; handler: boolean; hosts: string[] }
  | {
      event: 'host_result';
      task: string;
      host: string;
      status: HostStatus;
      msg?: string;
      /** what to do about a failure (e.g. the ssh-keygen -R command for a changed host key) */
      hint?: string;
      item?: string;
      delegated_to?: string;
      diff?: { path: string; unified: string }[];
      /** the module's data (registered value), redacted; only in --json output */
      result?: Record<string, unknown>;
    }
  | { event: 'warning'; message: string }
  | { event: 'recap'; hosts: Record<string, HostStats> }
  | { event: 'run_end'; exit_code: number; duration_ms: number };

/** Where the engine sends events. */
export type EventSink = (e: RunEvent) => void;
