/**
 * The engine's connection factory: one Connection per host per run, chosen from the host's
 * variables by `connectionFor` (`ansible_connection: local` → the control node, else SSH), with the
 * run-wide SSH settings from the command line. Tests inject their own factory.
 */
import type { Connection } from '../connections/connection.js';
import { connectionFor } from '../connections/factory.js';

/** Builds the connection of a host from its variables. */
export type ConnectionFactory = (host: string, vars: Record<string, unknown>) => Connection;

/** Options from the command line that apply to every SSH connection. */
export interface ConnectOptions {
  knownHostsFile?: string;
  acceptNewHostKeys?: boolean;
  /** connect timeout in milliseconds */
  timeoutMs?: number;
}

/** The default factory used by `certfleet run`. */
export function defaultConnectionFactory(opts: ConnectOptions = {}): ConnectionFactory {
  return (host, vars) =>
    connectionFor(host, vars, {
      knownHostsFile: opts.knownHostsFile,
      acceptNewHostKeys: opts.acceptNewHostKeys,
      connectTimeoutMs: opts.timeoutMs,
    });
}
