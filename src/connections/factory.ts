/**
 * Picks a host's connection from its inventory variables, with Ansible's names so that Ansible
 * inventories work unchanged: `ansible_connection`, `ansible_host`, `ansible_port`, `ansible_user`,
 * `ansible_ssh_private_key_file`, `ansible_become_password`, `ansible_ssh_timeout`; and certfleet's
 * own `certfleet_remote_driver` (`auto`: the Perl driver where the host has Perl, else sh; `sh`).
 */
import { ConfigError } from '../errors.js';
import type { Connection } from './connection.js';
import { LocalConnection } from './local.js';
import { SshConnection } from './ssh.js';

/** Run-wide SSH settings (CLI flags / config); host variables override per host. */
export interface ConnectionDefaults {
  knownHostsFile?: string;
  acceptNewHostKeys?: boolean;
  connectTimeoutMs?: number;
  /** user when the host sets none */
  user?: string;
  privateKeyPath?: string;
}

function str(vars: Record<string, unknown>, host: string, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = vars[n];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' && typeof v !== 'number')
      throw new ConfigError(`hosts.${host}.${n}: must be a string`);
    return String(v);
  }
  return undefined;
}

function int(
  vars: Record<string, unknown>,
  host: string,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const v = vars[name];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(`hosts.${host}.${name}: must be an integer from ${min} to ${max}`);
  return n;
}

/**
 * The `-o UserKnownHostsFile=...` and `-o StrictHostKeyChecking=...` options of Ansible's
 * `ansible_ssh_common_args`/`ansible_ssh_extra_args`, so an inventory written for Ansible keeps its
 * host-key policy. `StrictHostKeyChecking=no` is taken as accept-new: a changed key is still refused.
 */
export function sshArgOptions(args: string | undefined): {
  knownHostsFile?: string;
  acceptNewHostKeys?: boolean;
} {
  const out: { knownHostsFile?: string; acceptNewHostKeys?: boolean } = {};
  if (!args) return out;
  for (const m of args.matchAll(/(?:^|\s)-o\s*["']?(\w+)\s*=\s*([^\s"']+)/g)) {
    const [key, value] = [m[1].toLowerCase(), m[2]];
    if (key === 'userknownhostsfile') out.knownHostsFile = value.replace(/^~(?=\/)/, process.env.HOME ?? '~');
    if (key === 'stricthostkeychecking') out.acceptNewHostKeys = /^(no|off|accept-new)$/i.test(value);
  }
  return out;
}

/** The connection for one host: LocalConnection for `ansible_connection: local`, else SSH. */
export function connectionFor(
  hostName: string,
  hostVars: Record<string, unknown>,
  defaults: ConnectionDefaults = {},
): Connection {
  const kind = str(hostVars, hostName, 'ansible_connection') ?? 'ssh';
  if (kind === 'local') return new LocalConnection(hostName);
  if (kind !== 'ssh' && kind !== 'paramiko' && kind !== 'smart')
    throw new ConfigError(
      `hosts.${hostName}.ansible_connection: unsupported connection "${kind}" (use ssh or local)`,
    );
  const fromArgs = {
    ...sshArgOptions(str(hostVars, hostName, 'ansible_ssh_common_args')),
    ...sshArgOptions(str(hostVars, hostName, 'ansible_ssh_extra_args')),
  };
  const driver = str(hostVars, hostName, 'certfleet_remote_driver');
  if (driver !== undefined && driver !== 'auto' && driver !== 'sh')
    throw new ConfigError(
      `hosts.${hostName}.certfleet_remote_driver: must be "auto" (Perl where the host has it, else sh) or "sh", got "${driver}"`,
    );
  const timeoutS =
    int(hostVars, hostName, 'ansible_ssh_timeout', 1, 3600) ??
    int(hostVars, hostName, 'ansible_timeout', 1, 3600);
  return new SshConnection(hostName, {
    host: str(hostVars, hostName, 'ansible_host', 'ansible_ssh_host') ?? hostName,
    port:
      int(hostVars, hostName, 'ansible_port', 1, 65535) ??
      int(hostVars, hostName, 'ansible_ssh_port', 1, 65535),
    user: str(hostVars, hostName, 'ansible_user', 'ansible_ssh_user') ?? defaults.user,
    privateKeyPath:
      str(hostVars, hostName, 'ansible_ssh_private_key_file', 'ansible_private_key_file') ??
      defaults.privateKeyPath,
    // an explicit run-wide setting (CLI flag) wins over what the inventory wrote for Ansible
    knownHostsFile: defaults.knownHostsFile ?? fromArgs.knownHostsFile,
    acceptNewHostKeys: defaults.acceptNewHostKeys ?? fromArgs.acceptNewHostKeys,
    connectTimeoutMs: timeoutS === undefined ? defaults.connectTimeoutMs : timeoutS * 1000,
    remoteDriver: driver,
    becomePassword: str(
      hostVars,
      hostName,
      'ansible_become_password',
      'ansible_become_pass',
      'ansible_sudo_pass',
    ),
  });
}
