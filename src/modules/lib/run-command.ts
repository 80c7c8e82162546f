/**
 * Shared body of `command` and `shell`: one round trip that first applies `creates`/`removes` on the
 * host and then runs the command, so the guard and the run cost a single channel.
 */
import { randomBytes } from 'node:crypto';
import { shellQuote } from '../../connections/connection.js';
import { ModuleError } from '../../errors.js';
import type { ModuleContext, ModuleResult } from '../types.js';

/** Parameters common to command and shell. */
export interface CommandParams {
  cmd?: string;
  argv?: string[];
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  /** add a newline to stdin (Ansible default) */
  stdin_add_newline?: boolean;
}

/** JSON schema properties of CommandParams. */
export const commandProperties = {
  cmd: { type: 'string', minLength: 1 },
  argv: { type: 'array', items: { type: 'string' }, minItems: 1 },
  chdir: { type: 'string', minLength: 1 },
  creates: { type: 'string', minLength: 1 },
  removes: { type: 'string', minLength: 1 },
  stdin: { type: 'string' },
  stdin_add_newline: { type: 'boolean' },
} as const;

function guard(p: CommandParams): string | undefined {
  if (p.creates) return `[ -e ${shellQuote(p.creates)} ]`;
  if (p.removes) return `[ ! -e ${shellQuote(p.removes)} ]`;
  return undefined;
}

function lines(s: string): string[] {
  return s === '' ? [] : s.replace(/\n$/, '').split('\n');
}

/** Run `script` (already built by the module) with the guards; maps rc != 0 to a failure. */
export async function runCommand(
  ctx: ModuleContext<unknown>,
  p: CommandParams,
  script: string,
): Promise<ModuleResult> {
  const skipWhen = guard(p);
  const why = p.creates ? `${p.creates} exists` : `${p.removes} does not exist`;
  const cwd = p.chdir;
  if (ctx.check) {
    // Check mode runs only the guard: if it says "skip" the task is ok, else it would have run.
    if (!skipWhen)
      return { changed: false, skipped: true, msg: 'skipped: command does not support check mode' };
    const r = await ctx.conn.exec(`${skipWhen}`, { cwd, become: ctx.become });
    if (r.code === 0)
      return { changed: false, msg: `skipped, since ${why}`, data: { rc: 0, stdout: '', stderr: '' } };
    return { changed: true, msg: 'command would have run' };
  }
  const marker = `certfleet-skip-${randomBytes(6).toString('hex')}`;
  const full = skipWhen ? `if ${skipWhen}; then printf %s ${marker}; exit 0; fi\n${script}` : script;
  const stdin = p.stdin === undefined ? undefined : p.stdin_add_newline === false ? p.stdin : `${p.stdin}\n`;
  const started = Date.now();
  const r = await ctx.conn.exec(full, { cwd, become: ctx.become, stdin, signal: ctx.signal });
  if (skipWhen && r.code === 0 && r.stdout === marker)
    return {
      changed: false,
      msg: `skipped, since ${why}`,
      data: { rc: 0, stdout: '', stderr: '', stdout_lines: [] },
    };
  const data = {
    rc: r.code,
    stdout: r.stdout.replace(/\n$/, ''),
    stderr: r.stderr.replace(/\n$/, ''),
    stdout_lines: lines(r.stdout),
    stderr_lines: lines(r.stderr),
    delta_ms: Date.now() - started,
  };
  if (r.code !== 0) {
    const detail = data.stderr.trim() || data.stdout.trim() || (r.signal ? `killed by ${r.signal}` : '');
    // the command ran, so like Ansible the failed result still says changed
    throw new ModuleError(`non-zero return code ${r.code ?? r.signal}${detail ? `: ${detail}` : ''}`, {
      data: { ...data, changed: true },
    });
  }
  return { changed: true, data };
}

/**
 * Split a free-form command line into words like a shell would for plain words and quotes, without
 * expanding anything: `command` runs no shell features [ans command vs shell].
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]))
        cur += line[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new ModuleError(`unterminated ${quote} quote in command: ${line}`);
  if (inWord) words.push(cur);
  return words;
}
