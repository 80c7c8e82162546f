/**
 * Template errors. A syntax error (also an unknown filter or test) is found when the template is
 * compiled and carries the position inside the template text, mapped to the file through the
 * template's Origin; a runtime error names the expression that failed. Both are bad input (exit 4).
 */
import { CertfleetError, ExitCode } from '../../errors.js';

/**
 * Where a template's text comes from. `line`/`col` (1-based) are the position of the text's first
 * character in `file` (a YAML string's start, or 1:1 for a template file); `map` overrides the
 * default mapping (a YAML quoted scalar folds lines: only its loader knows where a character is).
 */
export interface Origin {
  file?: string;
  line?: number;
  col?: number;
  map?: (line: number, col: number) => { line: number; col: number };
}

/** Map a position inside the template text (1-based) to its position in the origin's file. */
export function mapPosition(
  origin: Origin | undefined,
  line: number,
  col: number,
): { line: number; col: number } {
  if (origin?.map) return origin.map(line, col);
  const l0 = origin?.line ?? 1;
  const c0 = origin?.col ?? 1;
  return line === 1 ? { line: l0, col: c0 + col - 1 } : { line: l0 + line - 1, col };
}

/** A template that cannot compile: bad syntax, an unknown filter/test/tag. */
export class JinjaSyntaxError extends CertfleetError {
  /** position inside the template text (1-based) */
  readonly templateLine: number;
  readonly templateCol: number;
  /** the message without position */
  readonly detail: string;
  /** the file (when the origin names one) and the mapped position */
  readonly file?: string;
  readonly line: number;
  readonly col: number;

  constructor(detail: string, line: number, col: number, origin?: Origin) {
    const at = mapPosition(origin, line, col);
    const source = origin?.file ? { file: origin.file, line: at.line, col: at.col } : undefined;
    super(
      'E_TEMPLATE_SYNTAX',
      ExitCode.BAD_INPUT,
      source ? detail : `template line ${line} col ${col}: ${detail}`,
      {
        source,
      },
    );
    this.detail = detail;
    this.templateLine = line;
    this.templateCol = col;
    this.file = origin?.file;
    this.line = at.line;
    this.col = at.col;
  }
}

/** A template that failed while rendering (undefined variable, type error, filter error). */
export class JinjaRuntimeError extends CertfleetError {
  /** the template expression that failed, as written, when known */
  expression?: string;
  /** position of that expression inside the template text */
  templateLine?: number;
  templateCol?: number;
  /** the message without the expression */
  readonly detail: string;
  /** 'undefined' for an undefined variable/attribute; else 'error' */
  readonly kind: 'undefined' | 'error';

  constructor(detail: string, kind: 'undefined' | 'error' = 'error') {
    super('E_TEMPLATE', ExitCode.BAD_INPUT, detail);
    this.detail = detail;
    this.kind = kind;
  }

  /** Attach the failing expression and its template position (the innermost expression wins). */
  at(expression: string, line: number, col: number): this {
    if (this.expression !== undefined) return this;
    this.expression = expression;
    this.templateLine = line;
    this.templateCol = col;
    this.message = `${this.detail} (in "${expression}", template line ${line})`;
    return this;
  }

  /** Rewrite the message with the origin's file position (done by the API, once per render). */
  locate(origin: Origin | undefined): this {
    if (this.expression === undefined || !origin?.file) return this;
    const p = mapPosition(origin, this.templateLine ?? 1, this.templateCol ?? 1);
    this.message = `${origin.file}:${p.line}:${p.col}: ${this.detail} (in "${this.expression}")`;
    return this;
  }
}
