/**
 * The `local` connection: runs commands on the control node with `bash -c`, same contract as SSH
 * (exit codes are data, never exceptions). Used for `ansible_connection: local` hosts and for
 * `delegate_to: localhost`.
 */
import { spawn } from 'node:child_process';
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { ConnectionError } from '../errors.js';
import type { Connection, ExecOptions, ExecResult, PutOptions } from './connection.js';

/** A Connection to the control node itself. */
export class LocalConnection implements Connection {
  constructor(readonly host: string = 'localhost') {}

  /** Run `bash -c command`; `become` uses `sudo -n` unless we already are root. */
  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const asRoot = process.getuid?.() === 0;
    const [file, args] =
      opts.become && !asRoot ? ['sudo', ['-n', 'bash', '-c', command]] : ['bash', ['-c', command]];
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, {
        cwd: opts.cwd,
        env: opts.env ? { ...process.env, ...opts.env } : process.env,
        signal: opts.signal,
        timeout: opts.timeoutMs,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', (e: NodeJS.ErrnoException) => {
        // an aborted command is reported through `close` with its signal; spawn failures are unreachable
        if (e.name === 'AbortError') return;
        reject(new ConnectionError(`local: cannot run bash: ${e.message}`, { cause: e }));
      });
      child.on('close', (code, signal) =>
        resolve({
          code,
          signal,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        }),
      );
      // stdin may be closed early by a command that does not read it
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.stdin ?? '');
    });
  }

  /** Write through a temp name in the same directory, then rename, so readers never see half a file. */
  async put(content: string | Buffer, remotePath: string, opts: PutOptions = {}): Promise<void> {
    const tmp = join(dirname(remotePath), `.${basename(remotePath)}.certfleet-${process.pid}-${Date.now()}`);
    await writeFile(tmp, content, { mode: opts.mode ?? 0o644 });
    if (opts.mode !== undefined) await chmod(tmp, opts.mode);
    await rename(tmp, remotePath);
  }

  /** Read a local file. */
  fetch(remotePath: string): Promise<Buffer> {
    return readFile(remotePath);
  }

  /** Nothing to close: every exec is its own process. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
