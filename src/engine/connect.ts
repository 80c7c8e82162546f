/**
 * The connection factory: one Connection per host per run, chosen from the host's variables
 * (`ansible_connection: local` → the control node, anything else → SSH with `ansible_host`,
 * `ansible_port`, `ansible_user`, `ansible_ssh_private_key_file`, `ansible_become_password`).
 */
import type { Connection } from '../connections/connection.js';
import { LocalConnection } from '../connections/local.js';
import { SshConnection } from '../connections/ssh.js';

/** Builds the connection of a host from its variables. */
export type ConnectionFactory = (host: string, vars: Record<string, unknown>) => Connection;

/** Options from the command line that apply to every SSH connection. */
export interface ConnectOptions {
  knownHostsFile?: string;
  acceptNewHostKeys?: boolean;
  /** connect timeout in milliseconds */
  timeoutMs?: number;
}

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

/** The default factory used by `certfleet run`. */
export function defaultConnectionFactory(opts: ConnectOptions = {}): ConnectionFactory {
  return (host, vars) => {
    if (vars.ansible_connection === 'local') return new LocalConnection(host);
    const port = vars.ansible_port === undefined ? undefined : Number(vars.ansible_port);
    return new SshConnection(host, {
      host: str(vars.ansible_host) ?? host,
      port,
      user: str(vars.ansible_user),
      privateKeyPath: str(vars.ansible_ssh_private_key_file ?? vars.ansible_private_key_file),
      knownHostsFile: opts.knownHostsFile,
      acceptNewHostKeys: opts.acceptNewHostKeys,
      connectTimeoutMs: opts.timeoutMs,
      becomePassword: str(vars.ansible_become_password ?? vars.ansible_become_pass),
    });
  };
}
