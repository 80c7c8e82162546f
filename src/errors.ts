/**
 * certfleet's error model. Every failure a user can cause or meet is a CertfleetError with a stable
 * code and a documented exit code; anything else reaching the top-level handler is a bug (InternalError).
 */

/** A position in a source file, 1-based like every compiler prints it. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/** Documented process exit codes (README "Exit codes"). */
export const ExitCode = {
  OK: 0,
  /** audit: warnings only */
  WARNINGS: 1,
  /** run: at least one host failed; audit: critical findings */
  HOST_FAILED: 2,
  /** run: at least one host unreachable (and none failed) */
  UNREACHABLE: 3,
  /** bad input: YAML, schema, unknown module/variable, bad CLI flags */
  BAD_INPUT: 4,
  /** control-node step failed: ACME, DNS provider, certificate store */
  CONTROL_FAILED: 5,
  /** another run holds the lock on the same state */
  LOCKED: 6,
  /** a bug in certfleet */
  INTERNAL: 70,
  /** interrupted by SIGINT/SIGTERM */
  INTERRUPTED: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorOptions {
  cause?: unknown;
  source?: SourceLocation;
  hint?: string;
}

/** Base class: `code` is stable (E_CONFIG...), `exitCode` is what the CLI exits with. */
export class CertfleetError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly source?: SourceLocation;
  readonly hint?: string;

  constructor(code: string, exitCode: ExitCodeValue, message: string, opts: ErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.source = opts.source;
    this.hint = opts.hint;
  }

  /** One line: `file:line:col: message` when the error has a source. */
  format(): string {
    return this.source ? `${formatLocation(this.source)}: ${this.message}` : this.message;
  }
}

/** One problem in user input; ConfigError collects all of them before stopping. */
export interface Issue {
  source?: SourceLocation;
  /** dot path inside the document, e.g. `all.hosts.web1.ansible_port` */
  path?: string;
  message: string;
}

export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

export function formatIssue(issue: Issue): string {
  const where = issue.source ? `${formatLocation(issue.source)}: ` : '';
  const path = issue.path ? `${oneLine(issue.path)}: ` : '';
  return `${where}${path}${oneLine(issue.message)}`;
}

/** One issue is one line: line terminators inside names or messages (CR, LF, NEL, U+2028/9) are escaped. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\u0085\u2028\u2029]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Bad user input (inventory, playbook, CLI flags). Carries every issue found, sorted by position. */
export class ConfigError extends CertfleetError {
  readonly issues: Issue[];

  constructor(issues: Issue[] | string, opts: ErrorOptions = {}) {
    const list = typeof issues === 'string' ? [{ message: issues, source: opts.source }] : sortIssues(issues);
    super('E_CONFIG', ExitCode.BAD_INPUT, list.map(formatIssue).join('\n'), {
      ...opts,
      source: list.length === 1 ? list[0].source : undefined,
    });
    this.issues = list;
  }

  override format(): string {
    return this.issues.map(formatIssue).join('\n');
  }
}

function sortIssues(issues: Issue[]): Issue[] {
  return [...issues].sort((a, b) => {
    const fa = a.source?.file ?? '';
    const fb = b.source?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    return (a.source?.line ?? 0) - (b.source?.line ?? 0) || (a.source?.col ?? 0) - (b.source?.col ?? 0);
  });
}

/** A host could not be reached or the connection broke: the host is *unreachable*, not failed. */
export class ConnectionError extends CertfleetError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super('E_UNREACHABLE', ExitCode.UNREACHABLE, message, opts);
  }
}

/** A module failed on a host (or on the control node). */
export class ModuleError extends CertfleetError {
  readonly data?: Record<string, unknown>;
  constructor(message: string, opts: ErrorOptions & { data?: Record<string, unknown> } = {}) {
    super('E_MODULE', ExitCode.HOST_FAILED, message, opts);
    this.data = opts.data;
  }
}

/** An ACME server answered with a problem document (RFC 8555 §6.7). */
export class AcmeProblemError extends CertfleetError {
  readonly type?: string;
  readonly subproblems?: { type?: string; detail?: string; identifier?: unknown }[];
  constructor(
    message: string,
    opts: ErrorOptions & { type?: string; subproblems?: AcmeProblemError['subproblems'] } = {},
  ) {
    super('E_ACME', ExitCode.CONTROL_FAILED, message, opts);
    this.type = opts.type;
    this.subproblems = opts.subproblems;
  }
}

/** A DNS provider failed; the message starts with the provider code (`ovh: ...`). */
export class DnsProviderError extends CertfleetError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super('E_DNS', ExitCode.CONTROL_FAILED, message, opts);
  }
}

/** Another run holds the lock on the same state. */
export class LockError extends CertfleetError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super('E_LOCKED', ExitCode.LOCKED, message, opts);
  }
}

/** The run was interrupted (SIGINT/SIGTERM). */
export class InterruptedError extends CertfleetError {
  constructor(message = 'interrupted') {
    super('E_INTERRUPTED', ExitCode.INTERRUPTED, message);
  }
}

/** Something that should never happen: a bug. */
export class InternalError extends CertfleetError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super('E_INTERNAL', ExitCode.INTERNAL, message, opts);
  }
}

/** The message of any thrown value, without a stack. */
export function messageOf(err: unknown): string {
  if (err instanceof CertfleetError) return err.format();
  if (err instanceof Error) return err.message;
  return String(err);
}
