/**
 * One persistent driver per SSH connection that runs short jobs back to back [mitogen's idea]. A
 * fresh exec channel costs sshd a fork, the login shell's start-up and a few round trips — on 50 hosts
 * sharing two cores that is ~1.2 ms per command, against ~0.3 ms for a job of the driver (measured on
 * the lab). Jobs are the modules' own scripts (stat, atomic write, service control) that start no
 * process outliving them: a daemon keeping the driver's stdout would write into the next job's output,
 * so user commands keep their own channel.
 *
 * The driver is Perl where the host has it (`remote-driver.pl`: the hot file operations — stat with
 * the checksum, atomic write, mkdir — run in its own process as *native ops*, without a fork or exec;
 * anything else runs through /bin/sh), else POSIX sh (below; every job is a subshell). The greeting
 * names the native ops the driver offers; a caller gives the op beside the script that does the
 * same, and the script runs wherever the op is not offered.
 *
 * Wire format, controller → host, in ONE write (each SSH packet costs a socket write and a wake-up
 * on the host): `ID NLINES NBYTES\n`, the script's NLINES lines, then NBYTES of stdin. The driver
 * runs the script, then prints `\x1eID RC\n` on stdout and `\x1eID\n` on stderr. A job whose script
 * did not arrive whole is not run (writes, the only jobs with stdin, check their bytes themselves).
 * IDs carry a random
 * nonce, so job output cannot fake an end marker by accident. The driver's pid comes with its
 * greeting: a job is killed as the driver's child.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ClientChannel } from 'ssh2';
import { codeAsset } from '../paths.js';
import { shellQuote, type NativeOp } from './connection.js';

// Driver variables are prefixed: jobs see the driver's variables (they run in its subshells).
const DRIVER = [
  '__cf_t=$(mktemp) || exit 1',
  `trap 'rm -f "$__cf_t"' EXIT`,
  `printf '\\037ready %s\\n' "$$"`,
  'while IFS= read -r __cf_h; do',
  '  set -- $__cf_h; __cf_s=; __cf_i=0',
  // a script cut short (the connection lost mid-way) is never run: EOF ends the driver
  '  while [ "$__cf_i" -lt "$2" ]; do IFS= read -r __cf_l || exit 1; __cf_s="$__cf_s$__cf_l',
  '"; __cf_i=$((__cf_i+1)); done',
  '  if [ "$3" -gt 0 ]; then head -c "$3" > "$__cf_t"; else : > "$__cf_t"; fi',
  '  ( eval "$__cf_s" ) < "$__cf_t"; __cf_r=$?',
  `  printf '\\036%s %s\\n' "$1" "$__cf_r"; printf '\\036%s\\n' "$1" >&2`,
  'done',
].join('\n');

/** Which driver a host runs: Perl when it has it (`auto`), or always POSIX sh. */
export type DriverKind = 'auto' | 'sh';

let perlDriver: string | undefined;

/** remote-driver.pl without its comments and indentation (it travels in every connection's exec). */
function perlSource(): string {
  perlDriver ??= readFileSync(codeAsset('connections', 'remote-driver.pl'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .join('\n');
  return perlDriver;
}

/** The command that starts the driver in the remote login shell. */
export function driverCommand(kind: DriverKind): string {
  const sh = `exec sh -c ${shellQuote(DRIVER)}`;
  if (kind === 'sh') return sh;
  return `if command -v perl >/dev/null 2>&1; then exec perl -e ${shellQuote(perlSource())}; fi; ${sh}`;
}

/** The job text of a native op: `#!certfleet OP`, then one %-escaped argument per line. */
export function nativeScript(n: NativeOp): string {
  const esc = (a: string) =>
    a.replace(/[%\n\r]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
  return [`#!certfleet ${n.op}`, ...n.args.map(esc)].join('\n');
}

/** What a job produced. A job killed by a signal reports 128+N as a shell does. */
export interface JobResult {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

/** The shell could not be used (not started, or gone): the caller falls back to an exec channel. */
export class ShellUnavailable extends Error {}

interface Job {
  id: string;
  out: Buffer[];
  err: Buffer[];
  code?: number;
  errDone: boolean;
  resolve(r: JobResult): void;
  reject(e: Error): void;
}

/** A persistent shell on one channel; one job at a time (`busy` tells callers to use a channel). */
export class RemoteShell {
  private readonly nonce = randomBytes(6).toString('hex');
  private counter = 0;
  private job?: Job;
  private ready = false;
  /** the driver's pid on the host (jobs are its children) */
  driverPid?: number;
  /** the native ops the driver offers (none for the sh driver) */
  private ops = new Set<string>();
  private dead?: Error;
  private readonly started: Promise<void>;

  constructor(private readonly channel: ClientChannel) {
    this.started = new Promise((resolve, reject) => {
      let greeting = '';
      const onGreeting = (d: Buffer) => {
        greeting += d.toString('latin1');
        const at = greeting.indexOf('\x1fready ');
        const nl = at < 0 ? -1 : greeting.indexOf('\n', at);
        if (nl < 0) return;
        const [pid, ops] = greeting.slice(at + 7, nl).split(' ');
        this.driverPid = Number(pid);
        this.ops = new Set(ops ? ops.split(',') : []);
        channel.off('data', onGreeting);
        this.ready = true;
        channel.on('data', (c: Buffer) => this.onStdout(c));
        resolve();
      };
      channel.on('data', onGreeting);
      channel.stderr.on('data', (c: Buffer) => this.onStderr(c));
      channel.on('close', () => {
        const err = new ShellUnavailable('the remote shell ended');
        this.dead = err;
        if (!this.ready) reject(err);
        this.job?.reject(err);
        this.job = undefined;
      });
    });
    this.started.catch(() => undefined);
  }

  /** True while a job runs (a second caller should not wait behind it). */
  get busy(): boolean {
    return this.job !== undefined;
  }

  /** Does the driver run this native op itself? */
  supports(op: string): boolean {
    return this.ops.has(op);
  }

  /** False once the driver ended (or was ended): every later job must take a channel. */
  get alive(): boolean {
    return this.dead === undefined;
  }

  /** Resolves once the driver greeted; rejects with ShellUnavailable if it never does. */
  whenReady(): Promise<void> {
    return this.started;
  }

  /** Shell command that kills the running job (the driver's children), for another channel. */
  get killJobCommand(): string | undefined {
    return this.driverPid === undefined
      ? undefined
      : `kill -KILL $(ps -o pid= --ppid ${this.driverPid}) 2>/dev/null`;
  }

  /** Run one job; `script` is POSIX sh. */
  async run(script: string, stdin?: Buffer): Promise<JobResult> {
    // no await between the busy check and taking the slot once the driver is up
    if (!this.ready) await this.started;
    if (this.dead) throw this.dead;
    if (this.job) throw new ShellUnavailable('the remote shell is busy');
    const id = `${this.nonce}${++this.counter}`;
    const lines = script.split('\n');
    return new Promise<JobResult>((resolve, reject) => {
      this.job = { id, out: [], err: [], errDone: false, resolve, reject };
      const head = Buffer.from(`${id} ${lines.length} ${stdin?.length ?? 0}\n${script}\n`);
      this.channel.write(stdin?.length ? Buffer.concat([head, stdin]) : head);
    });
  }

  /** Stop the driver (EOF on its stdin ends the loop; its trap removes the temp file). */
  end(): void {
    this.dead ??= new ShellUnavailable('the remote shell was closed');
    this.channel.end();
  }

  private onStdout(chunk: Buffer): void {
    const job = this.job;
    if (!job) return;
    job.out.push(chunk);
    // the end marker is the last thing the driver writes for this job: look only at the tail
    const marker = `\x1e${job.id} `;
    const tail = tailOf(job.out, marker.length + 16);
    const at = tail.lastIndexOf(marker, undefined, 'latin1');
    if (at < 0 || tail[tail.length - 1] !== 0x0a) return;
    const all = Buffer.concat(job.out);
    const cut = all.lastIndexOf(marker, undefined, 'latin1');
    job.code = Number(
      all
        .subarray(cut + marker.length)
        .toString('latin1')
        .trim(),
    );
    job.out = [all.subarray(0, cut)];
    this.settle(job);
  }

  private onStderr(chunk: Buffer): void {
    const job = this.job;
    if (!job) return;
    job.err.push(chunk);
    const end = Buffer.from(`\x1e${job.id}\n`, 'latin1');
    const tail = tailOf(job.err, end.length);
    if (tail.length >= end.length && tail.subarray(tail.length - end.length).equals(end)) {
      const text = Buffer.concat(job.err);
      job.errDone = true;
      job.err = [text.subarray(0, text.length - end.length)];
      this.settle(job);
    }
  }

  private settle(job: Job): void {
    if (job.code === undefined || !job.errDone || this.job !== job) return;
    this.job = undefined;
    job.resolve({ code: job.code, stdout: Buffer.concat(job.out), stderr: Buffer.concat(job.err) });
  }
}

/** The last chunks of `chunks`, at least `min` bytes together (or all of them). */
function tailOf(chunks: Buffer[], min: number): Buffer {
  let n = 0;
  let i = chunks.length;
  while (i > 0 && n < min) n += chunks[--i].length;
  return Buffer.concat(chunks.slice(i));
}
