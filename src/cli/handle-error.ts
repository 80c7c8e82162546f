/**
 * The one top-level error handler: a known error prints its message (one line per issue, with the
 * offending source line and a caret on a TTY) and exits with its documented code; anything else is
 * a bug and says what to report.
 */
import { readFileSync } from 'node:fs';
import { CertfleetError, ConfigError, ExitCode, InternalError, type SourceLocation } from '../errors.js';
import { redact } from '../output/redact.js';

export function handleError(err: unknown, opts: { verbose?: boolean; tty?: boolean } = {}): number {
  const out = process.stderr;
  if (err instanceof CertfleetError && !(err instanceof InternalError)) {
    const issues = err instanceof ConfigError ? err.issues : [{ source: err.source, message: err.message }];
    const lines = err.format().split('\n');
    lines.forEach((line, i) => {
      out.write(`${redact(`certfleet: error: ${line}`)}\n`);
      const src = issues[i]?.source;
      if (opts.tty && src) out.write(caret(src));
    });
    if (err.hint) out.write(`certfleet: hint: ${err.hint}\n`);
    if (opts.verbose && err.cause) out.write(`${redact(causeText(err.cause))}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  out.write(`certfleet: internal error (this is a bug): ${redact(e?.message ?? String(err))}\n`);
  out.write('certfleet: please report it with the command line, `certfleet --version` and this trace:\n');
  out.write(`${redact(e?.stack ?? String(err))}\n`);
  return ExitCode.INTERNAL;
}

/** The offending source line with a caret under the column (TTY only). */
function caret(src: SourceLocation): string {
  try {
    const line = readFileSync(src.file, 'utf8').split('\n')[src.line - 1];
    if (line === undefined) return '';
    return `    ${line}\n    ${' '.repeat(Math.max(0, src.col - 1))}^\n`;
  } catch {
    return '';
  }
}

/** A cause's stack when it is an Error, else its text (for --verbose). */
function causeText(cause: unknown): string {
  if (cause instanceof Error) return cause.stack ?? cause.message;
  return typeof cause === 'string' ? cause : JSON.stringify(cause);
}
