/**
 * The connection contract [ans ConnectionBase]: connect lazily, once per host per run; every task on
 * that host reuses it. Failure to connect or a dropped connection throws ConnectionError (the host
 * becomes *unreachable*); a command's exit code is data, never an exception.
 */

/** An operation the persistent driver may run in its own process (remote-shell.ts): name, arguments. */
export interface NativeOp {
  op: string;
  /** any bytes but NUL */
  args: string[];
}

export interface ExecOptions {
  /** bytes written to the command's stdin, then EOF */
  stdin?: string | Buffer;
  cwd?: string;
  /** run through `sudo -n` (or with the become password) */
  become?: boolean;
  env?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * The command is a short POSIX sh script that leaves no process behind holding its output (no
   * daemon started without redirecting stdout/stderr): it may run as a job of the connection's
   * persistent shell instead of on a channel of its own — much cheaper on the host. User commands
   * (command/shell modules) never set it.
   */
  shared?: boolean;
  /**
   * With `shared`: the same job as an op the persistent driver may run in its own process (see
   * remote-shell.ts) — same stdout, stderr and exit code as the command. Connections and drivers
   * without the op run the command.
   */
  native?: NativeOp;
}

export interface ExecResult {
  /** exit code; null when killed by a signal */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface PutOptions {
  /** octal mode, e.g. 0o600; applied before the file becomes visible */
  mode?: number;
  become?: boolean;
}

export interface Connection {
  /** inventory name of the host */
  readonly host: string;
  /** run a shell command (quote arguments with `shellQuote`) */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** write bytes to a remote path (callers do temp + rename themselves for atomicity) */
  put(content: string | Buffer, remotePath: string, opts?: PutOptions): Promise<void>;
  /** read a remote file */
  fetch(remotePath: string, opts?: { become?: boolean }): Promise<Buffer>;
  close(): Promise<void>;
}

/** POSIX single-quote a string for a remote shell. */
export function shellQuote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
