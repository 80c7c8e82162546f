/**
 * The lexer's and parser's own syntax failure: a message and an offset in the normalised source.
 * compile() turns it into a JinjaSyntaxError with line, column and the template's origin.
 */

/** A syntax problem at an offset of the normalised template source. */
export class SyntaxFailure extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
    this.name = 'SyntaxFailure';
  }
}

/** Build a SyntaxFailure (src is accepted for symmetry with callers that compute positions). */
export function syntaxAt(message: string, _src: string, pos: number): SyntaxFailure {
  return new SyntaxFailure(message, pos);
}

/** 1-based line and column of an offset. */
export function lineCol(src: string, pos: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = src.indexOf('\n'); i !== -1 && i < pos; i = src.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: pos - start + 1 };
}
