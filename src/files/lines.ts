/**
 * A text file as lines, remembering whether its last line ends with a newline, so an edit in the
 * middle keeps the file's own ending and an edit at the end gives every line its newline (as
 * Ansible's lineinfile and blockinfile do).
 */

/** Lines of a text and whether it ends with `\n` (an empty text has no lines and no ending). */
export interface TextLines {
  lines: string[];
  eol: boolean;
}

/** Split a text into lines. */
export function splitLines(text: string): TextLines {
  if (text === '') return { lines: [], eol: false };
  const eol = text.endsWith('\n');
  return { lines: (eol ? text.slice(0, -1) : text).split('\n'), eol };
}

/** Join lines back; `eol` adds the final newline. */
export function joinLines(t: TextLines): string {
  return t.lines.length ? `${t.lines.join('\n')}${t.eol ? '\n' : ''}` : '';
}

/** Insert `add` at `index`; inserting at the end gives the text a final newline. */
export function insertLines(t: TextLines, index: number, add: string[]): TextLines {
  const lines = [...t.lines.slice(0, index), ...add, ...t.lines.slice(index)];
  return { lines, eol: t.eol || (add.length > 0 && index >= t.lines.length) };
}
