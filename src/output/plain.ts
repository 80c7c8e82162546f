/**
 * The line renderer used when stdout is not a TTY (CI logs): Ansible's layout, so people and log
 * greps used to `ansible-playbook` read it unchanged. Warnings go to stderr once each.
 */
import type { HostStats } from './events.js';
import type { EventSink, RunEvent } from './events.js';
import { redact } from './redact.js';

/** Anything with `write` (process.stdout, a test buffer). */
export interface Writable {
  write(s: string): unknown;
}

const banner = (title: string): string => `\n${title} ${'*'.repeat(Math.max(3, 79 - title.length))}\n`;

/** Ansible's `PLAY RECAP` block: hosts sorted by name, columns aligned on the longest one. */
export function formatRecap(hosts: Record<string, HostStats>): string {
  const names = Object.keys(hosts).sort();
  const width = Math.max(0, ...names.map((n) => n.length));
  const col = (k: string, v: number): string => `${k}=${v}`.padEnd(k.length + 5);
  const lines = names.map((n) => {
    const s = hosts[n];
    return `${n.padEnd(width)} : ${col('ok', s.ok)}${col('changed', s.changed)}${col('unreachable', s.unreachable)}${col('failed', s.failed)}${col('skipped', s.skipped)}${col('rescued', s.rescued)}ignored=${s.ignored}`;
  });
  return banner('PLAY RECAP') + lines.join('\n') + '\n';
}

/**
 * A failure is one line, whatever the remote side printed (sudo's "Sorry, try again." once per
 * attempt, a daemon's several lines): its non-empty lines joined with ' | ', as the delivery does with
 * a server's config-test output — a reader (or `grep failed:`) sees the whole reason on that line.
 */
function oneLine(msg: string): string {
  return msg
    .split(/\r\n|[\n\r\u0085\u2028\u2029]/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' | ');
}

/** A sink writing plain lines to `out` and warnings to `err`. */
export function plainRenderer(stdout: Writable, stderr: Writable): EventSink {
  // the engine redacts already; redacting at the edge too costs little and catches late secrets
  const out = { write: (s: string) => stdout.write(redact(s)) };
  const err = { write: (s: string) => stderr.write(redact(s)) };
  let module = '';
  return (e: RunEvent) => {
    switch (e.event) {
      case 'play_start':
        out.write(banner(`PLAY [${e.play}]`));
        break;
      case 'task_start':
        module = e.module;
        out.write(banner(`${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.task}]`));
        break;
      case 'host_result': {
        const host = e.delegated_to ? `[${e.host} -> ${e.delegated_to}]` : `[${e.host}]`;
        const item = e.item === undefined ? '' : ` => (item=${e.item})`;
        const msg = e.msg ? ` => ${e.msg}` : '';
        if (e.status === 'failed' || e.status === 'ignored') {
          out.write(`failed: ${host}${item}${e.msg ? ` => ${oneLine(e.msg)}` : ''}\n`);
          if (e.hint && e.status === 'failed') out.write(`  hint: ${oneLine(e.hint)}\n`);
          if (e.status === 'ignored') out.write('...ignoring\n');
        } else if (e.status === 'unreachable') {
          out.write(`fatal: ${host}: UNREACHABLE!${e.msg ? ` => ${oneLine(e.msg)}` : ''}\n`);
          if (e.hint) out.write(`  hint: ${oneLine(e.hint)}\n`);
        } else if (e.status === 'skipped') out.write(`skipping: ${host}${item}\n`);
        else
          out.write(
            `${e.status}: ${host}${item}${module.endsWith('debug') || module.endsWith('assert') ? msg : ''}\n`,
          );
        for (const d of e.diff ?? []) out.write(d.unified.endsWith('\n') ? d.unified : `${d.unified}\n`);
        break;
      }
      case 'warning':
        err.write(`[WARNING]: ${e.message}\n`);
        break;
      case 'recap':
        out.write(formatRecap(e.hosts));
        break;
      default:
        break;
    }
  };
}
