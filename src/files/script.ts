/**
 * A whole POSIX sh script run on the host on a channel of its own (`sh -s`, the script on stdin, so
 * key material in it never shows in `ps`), parsed completely before any of it runs.
 */
import { createHash } from 'node:crypto';
import type { Connection } from '../connections/connection.js';
import { shellQuote } from '../connections/connection.js';
import { ModuleError } from '../errors.js';

/** sha256 hex of some content, as `sha256sum` prints it. */
export function sha256(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Run a shell script on the host; a non-zero exit becomes a ModuleError with `what` and stderr. */
export async function runScript(
  conn: Connection,
  what: string,
  script: string,
  opts: { become?: boolean; args?: string[]; signal?: AbortSignal } = {},
): Promise<string> {
  const args = (opts.args ?? []).map(shellQuote).join(' ');
  // One brace group: sh parses all of it before running any of it. `sh -s` otherwise runs commands as
  // they arrive, so a connection lost in the middle of a large script (several SSH packets) ran the
  // part that had arrived, its cut last line included (a heredoc cut short is still executed).
  const whole = `{\n${script}\n}\n`;
  const r = await conn.exec(`sh -s -- ${args}`, { stdin: whole, become: opts.become, signal: opts.signal });
  if (r.code !== 0) {
    const detail = (r.stderr || r.stdout).trim().split('\n').slice(-5).join('; ');
    throw new ModuleError(`${what} failed (rc=${r.code ?? r.signal}): ${detail}`);
  }
  return r.stdout;
}
