/**
 * SSH connection (node-ssh for the handshake and authentication, the raw ssh2 client for exec so that
 * stdout keeps its exact bytes). One connection per host per run, opened lazily on first use and
 * reused by every task [ans ConnectionBase]: a fresh connection costs ~200 ms, a channel ~11 ms.
 * Host keys are checked strictly against a known_hosts file.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Client, ClientChannel, ServerHostKeyAlgorithm } from 'ssh2';
import { authMethods, defaultKeyFile, parsedKey } from './ssh-auth.js';
import { ConnectionError, InterruptedError, ModuleError } from '../errors.js';
import { registerSecret } from '../output/redact.js';
import { shellQuote } from './connection.js';
import type { Connection, ExecOptions, ExecResult, PutOptions } from './connection.js';
import { hostKeyVerifier, preferredHostKeyAlgorithms, type HostKeyState } from './known-hosts.js';
import {
  driverCommand,
  nativeScript,
  RemoteShell,
  ShellUnavailable,
  type DriverKind,
} from './remote-shell.js';

/** How to reach one host. */
export interface SshOptions {
  host: string;
  port?: number;
  user?: string;
  privateKeyPath?: string;
  /** default `~/.ssh/known_hosts` */
  knownHostsFile?: string;
  /** record unknown host keys instead of refusing them (`StrictHostKeyChecking=accept-new`) */
  acceptNewHostKeys?: boolean;
  /** default 10 000 ms; covers TCP connect, handshake and authentication */
  connectTimeoutMs?: number;
  /** sudo password for `become` (sent on stdin through `sudo -S`, never on a command line) */
  becomePassword?: string;
  /** the persistent driver: Perl where the host has it (default `auto`), or always POSIX sh */
  remoteDriver?: DriverKind;
}

/** Counters that let tests and benchmarks prove reuse and "no bytes sent when unchanged". */
export interface SshStats {
  handshakes: number;
  /** commands run, on their own channel or as jobs of the persistent shell */
  execs: number;
  /** exec channels opened (the persistent shell's own included) */
  channels: number;
  puts: number;
  /** bytes written to remote stdin (file contents travel this way) */
  bytesSent: number;
}

/** Raw result with exact bytes (checksummed content must not be trimmed or re-encoded). */
export interface RawExecResult {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
}

const SUDO_REFUSED =
  /^(sudo: (a password is required|a terminal is required|.*incorrect password|.*not in the sudoers|.*may not run sudo|.*not allowed to execute)|.*sudo: (command )?not found)/m;

/** A Connection over SSH to one inventory host. */
export class SshConnection implements Connection {
  readonly host: string;
  readonly stats: SshStats = { handshakes: 0, execs: 0, channels: 0, puts: 0, bytesSent: 0 };
  private readonly opts: Required<Omit<SshOptions, 'privateKeyPath' | 'becomePassword'>> &
    Pick<SshOptions, 'privateKeyPath' | 'becomePassword'>;
  private client?: Client;
  private connecting?: Promise<Client>;
  private readonly pending = new Set<(err: Error) => void>();
  /** the persistent shell for `shared` commands; `null` once it proved unusable on this host */
  private shell?: Promise<RemoteShell | null>;

  constructor(hostName: string, options: SshOptions) {
    this.host = hostName;
    this.opts = {
      host: options.host,
      port: 22,
      user: process.env.USER || 'root',
      knownHostsFile: join(homedir(), '.ssh', 'known_hosts'),
      acceptNewHostKeys: false,
      connectTimeoutMs: 10_000,
      remoteDriver: 'auto',
      ...stripUndefined(options),
    };
    registerSecret(options.becomePassword);
  }

  private get address(): string {
    return `${this.opts.user}@${this.opts.host}:${this.opts.port}`;
  }

  /** Open the connection once; concurrent callers share the same attempt. */
  private connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.handshake().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async handshake(): Promise<Client> {
    const { host, port, user, privateKeyPath, knownHostsFile, acceptNewHostKeys, connectTimeoutMs } =
      this.opts;
    const keyPath = privateKeyPath ?? defaultKeyFile();
    if (privateKeyPath && !existsSync(privateKeyPath))
      throw new ConnectionError(`${this.host}: private key file ${privateKeyPath} does not exist`);
    const state: HostKeyState = {};
    // node-ssh (and ssh2) load on the first handshake: commands that never connect start faster
    const { NodeSSH } = await import('node-ssh');
    const key = keyPath ? await parsedKey(keyPath) : undefined;
    const ssh = new NodeSSH();
    this.stats.handshakes++;
    try {
      await ssh.connect({
        host,
        port,
        username: user,
        // a key ssh2 cannot parse unaided (encrypted) goes the library's own way, for its message
        privateKeyPath: key ? undefined : keyPath,
        agent: process.env.SSH_AUTH_SOCK,
        // straight to the key (then the agent): ssh2 otherwise opens with a "none" attempt, one more
        // round trip and one more authentication for sshd on every host
        authHandler: authMethods(user, key ?? (keyPath ? 'file' : undefined), process.env.SSH_AUTH_SOCK),
        readyTimeout: connectTimeoutMs,
        keepaliveInterval: 15_000,
        algorithms: {
          serverHostKey: preferredHostKeyAlgorithms(knownHostsFile, host, port) as ServerHostKeyAlgorithm[],
        },
        hostVerifier: hostKeyVerifier(state, {
          file: knownHostsFile,
          host,
          port,
          acceptNew: acceptNewHostKeys,
        }),
      });
    } catch (err) {
      ssh.dispose();
      throw this.connectError(err, state, keyPath);
    }
    const client = ssh.connection as unknown as Client;
    // After `ready` node-ssh leaves no error listener: without ours a reset would crash the process.
    const lost = (why: string) => {
      if (this.client === client) {
        this.client = undefined;
        this.shell = undefined;
      }
      for (const reject of [...this.pending])
        reject(new ConnectionError(`${this.host}: connection to ${this.address} lost: ${why}`));
    };
    client.on('error', (e: Error) => lost(e.message));
    client.on('close', () => lost('closed by the remote side'));
    this.client = client;
    return client;
  }

  private connectError(err: unknown, state: HostKeyState, keyPath?: string): ConnectionError {
    if (state.problem) return new ConnectionError(`${this.host}: ${state.problem}`, { hint: state.hint });
    const e = err as { code?: string; level?: string; message?: string };
    const at = `${this.host}: cannot connect to ${this.address}`;
    const secs = `${this.opts.connectTimeoutMs / 1000}`;
    if (e.code === 'ECONNREFUSED') return new ConnectionError(`${at}: connection refused`, { cause: err });
    if (e.level === 'client-timeout' || e.code === 'ETIMEDOUT' || /timed out/i.test(e.message ?? ''))
      return new ConnectionError(`${at}: timed out after ${secs} s`, { cause: err });
    if (e.level === 'client-authentication') {
      const tried = [keyPath && `key ${keyPath}`, process.env.SSH_AUTH_SOCK && 'ssh-agent']
        .filter(Boolean)
        .join(', ');
      return new ConnectionError(`${at}: authentication failed (tried ${tried || 'no key'})`, { cause: err });
    }
    if (e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH' || e.code === 'ENOTFOUND')
      return new ConnectionError(
        `${at}: ${e.code === 'ENOTFOUND' ? 'unknown host name' : 'no route to host'}`,
        { cause: err },
      );
    return new ConnectionError(`${at}: ${e.message ?? String(err)}`, { cause: err });
  }

  /** Wrap for cwd, env and become; the remote login shell runs the result. */
  private wrap(command: string, opts: ExecOptions): { cmd: string; prefix?: Buffer } {
    let cmd = command;
    if (opts.env)
      cmd = `${Object.entries(opts.env)
        .map(([k, v]) => `export ${k}=${shellQuote(v)}; `)
        .join('')}${cmd}`;
    // a failed cd must stop everything, also multi-line scripts
    if (opts.cwd) cmd = `cd ${shellQuote(opts.cwd)} || exit 1\n${cmd}`;
    // Already root: sudo adds nothing (and minimal hosts often lack it).
    if (!opts.become || this.opts.user === 'root') return { cmd };
    // The password is the first stdin line, read by the shell alone and given to `sudo -v` through a
    // pipe: a wrong one ends there (sudo reads EOF for its next tries) instead of sudo reading the
    // command's own stdin — a file being written, a key — as further password attempts. The command
    // then runs through `sudo -n` on the credential just cached (not exec: without a tty, sudo ties that
    // credential to its parent, this shell), with the rest of stdin.
    if (this.opts.becomePassword)
      return {
        cmd:
          `IFS= read -r __cf_pw && printf '%s\\n' "$__cf_pw" | sudo -S -p '' -v && unset __cf_pw && ` +
          `sudo -n -- sh -c ${shellQuote(cmd)}`,
        prefix: Buffer.from(`${this.opts.becomePassword}\n`),
      };
    return { cmd: `sudo -n -- sh -c ${shellQuote(cmd)}` };
  }

  /** Run a command and keep stdout/stderr as exact bytes. */
  async execRaw(command: string, opts: ExecOptions = {}): Promise<RawExecResult> {
    const client = await this.connect();
    const { cmd, prefix } = this.wrap(command, opts);
    const input = opts.stdin === undefined ? undefined : Buffer.from(opts.stdin);
    const stdin = prefix ? Buffer.concat([prefix, input ?? Buffer.alloc(0)]) : input;
    this.stats.execs++;
    this.stats.bytesSent += input?.length ?? 0;
    const shell = opts.shared && !opts.timeoutMs ? await this.sharedShell(client) : null;
    // a native op stands for the command exactly as given: not when it had to be wrapped (cd, env, sudo)
    const native =
      opts.native && cmd === command && !prefix && shell?.supports(opts.native.op)
        ? nativeScript(opts.native)
        : undefined;
    const res =
      shell && !shell.busy
        ? await this.runInShell(shell, cmd, stdin, opts, native)
        : await this.execChannel(client, cmd, stdin, opts);
    if (opts.become && res.code !== 0 && SUDO_REFUSED.test(res.stderr.toString('utf8')))
      throw new ModuleError(`${this.host}: become failed: ${res.stderr.toString('utf8').trim()}`, {
        hint: 'allow passwordless sudo for the remote user or set ansible_become_password',
      });
    return res;
  }

  /** The persistent shell, started on first use; null when this host cannot run it (then channels). */
  private sharedShell(client: Client): Promise<RemoteShell | null> {
    this.shell ??= new Promise<RemoteShell | null>((resolve) => {
      this.stats.channels++;
      client.exec(driverCommand(this.opts.remoteDriver), (err, ch) => {
        if (err) return resolve(null);
        const shell = new RemoteShell(ch);
        shell.whenReady().then(
          () => resolve(shell),
          () => resolve(null),
        );
      });
    });
    return this.shell;
  }

  /**
   * One job in the persistent shell (the native op when given, else the command); an abort kills the
   * job and retires the shell.
   */
  private async runInShell(
    shell: RemoteShell,
    cmd: string,
    stdin: Buffer | undefined,
    opts: ExecOptions,
    native?: string,
  ): Promise<RawExecResult> {
    if (opts.signal?.aborted) throw new InterruptedError();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        const kill = shell.killJobCommand;
        this.shell = undefined;
        shell.end();
        if (kill && this.client) this.execChannel(this.client, kill, undefined, {}).catch(() => undefined);
        reject(new InterruptedError());
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
    let fail: ((err: Error) => void) | undefined;
    const lost = new Promise<never>((_, reject) => {
      fail = reject;
      this.pending.add(reject);
    });
    try {
      const r = await Promise.race([shell.run(native ?? cmd, stdin), aborted, lost]);
      return { code: r.code, signal: null, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      if (!(err instanceof ShellUnavailable)) throw err;
      if (!this.client) throw new ConnectionError(`${this.host}: connection to ${this.address} lost`);
      // busy (another job took it first) or gone: this one runs on its own channel; a gone shell is
      // replaced on the next shared command
      if (!shell.alive && this.shell) this.shell = undefined;
      return this.execChannel(this.client, cmd, stdin, opts);
    } finally {
      if (fail) this.pending.delete(fail);
      if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** One command on its own exec channel. */
  private execChannel(
    client: Client,
    cmd: string,
    stdin: Buffer | undefined,
    opts: ExecOptions,
  ): Promise<RawExecResult> {
    this.stats.channels++;
    return new Promise<RawExecResult>((resolve, reject) => {
      const out: Buffer[] = [];
      const errOut: Buffer[] = [];
      let code: number | null = null;
      let signal: string | null = null;
      let channel: ClientChannel | undefined;
      let timer: NodeJS.Timeout | undefined;
      const done = (err?: Error) => {
        this.pending.delete(fail);
        if (timer) clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(errOut) });
      };
      const fail = (err: Error) => {
        // ask sshd to kill the command too (OpenSSH honours "signal" requests), then drop the channel
        try {
          channel?.signal('KILL');
        } catch {
          /* channel already gone */
        }
        channel?.close();
        done(err);
      };
      const onAbort = () => fail(new InterruptedError());
      this.pending.add(fail);
      opts.signal?.addEventListener('abort', onAbort);
      if (opts.timeoutMs)
        timer = setTimeout(
          () => fail(new ModuleError(`${this.host}: command timed out after ${opts.timeoutMs} ms`)),
          opts.timeoutMs,
        );
      try {
        client.exec(cmd, (err, ch) => {
          if (err)
            return fail(
              new ConnectionError(`${this.host}: cannot open a channel on ${this.address}: ${err.message}`),
            );
          channel = ch;
          ch.on('data', (d: Buffer) => out.push(d));
          ch.stderr.on('data', (d: Buffer) => errOut.push(d));
          ch.on('exit', (c: number | null, sig?: string) => {
            code = c;
            signal = sig ?? null;
          });
          ch.on('close', () => done());
          ch.end(stdin);
        });
      } catch (err) {
        fail(
          new ConnectionError(`${this.host}: connection to ${this.address} lost: ${(err as Error).message}`),
        );
      }
    });
  }

  /** Run a command; the exit code is data, never an exception. */
  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const r = await this.execRaw(command, opts);
    return {
      code: r.code,
      signal: r.signal,
      stdout: r.stdout.toString('utf8'),
      stderr: r.stderr.toString('utf8'),
    };
  }

  /** Write bytes through `cat` with a restrictive umask, so the mode holds before anyone can read it. */
  async put(content: string | Buffer, remotePath: string, opts: PutOptions = {}): Promise<void> {
    this.stats.puts++;
    const p = shellQuote(remotePath);
    const mode = opts.mode === undefined ? '' : ` && chmod ${opts.mode.toString(8).padStart(4, '0')} ${p}`;
    const r = await this.exec(`umask 077 && cat > ${p}${mode}`, {
      stdin: content,
      become: opts.become,
      shared: true,
    });
    if (r.code !== 0) throw new ModuleError(`${this.host}: cannot write ${remotePath}: ${r.stderr.trim()}`);
  }

  /** Read a remote file's exact bytes. */
  async fetch(remotePath: string, opts: { become?: boolean } = {}): Promise<Buffer> {
    const r = await this.execRaw(`cat -- ${shellQuote(remotePath)}`, { become: opts.become, shared: true });
    if (r.code !== 0)
      throw new ModuleError(`${this.host}: cannot read ${remotePath}: ${r.stderr.toString().trim()}`);
    return r.stdout;
  }

  /** Close the connection (idempotent). */
  async close(): Promise<void> {
    await this.connecting?.catch(() => undefined);
    const c = this.client;
    this.client = undefined;
    const shell = await this.shell?.catch(() => null);
    this.shell = undefined;
    shell?.end();
    c?.end();
    return Promise.resolve();
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
