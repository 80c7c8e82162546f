/**
 * POSIX shell-like splitting of an INI host line, as Ansible does with `shlex.split(line,
 * comments=True)`: blanks separate words, quotes group, a backslash escapes, `#` outside quotes
 * starts a comment. Each word keeps the column where it starts so errors can point at it.
 */

/** One word and its 0-based offset in the line. */
export interface Word {
  text: string;
  offset: number;
}

/** Split a line into words; throws an Error with a message for an unclosed quote or dangling escape. */
export function shlexSplit(line: string): Word[] {
  const words: Word[] = [];
  let cur: string | undefined;
  let start = 0;
  let i = 0;
  const push = () => {
    if (cur !== undefined) words.push({ text: cur, offset: start });
    cur = undefined;
  };
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      push();
      i++;
      continue;
    }
    if (c === '#') break;
    if (cur === undefined) {
      cur = '';
      start = i;
    }
    if (c === '\\') {
      if (i + 1 >= line.length) throw new Error('no escaped character');
      cur += line[i + 1];
      i += 2;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error('no closing quotation');
      cur += line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new Error('no closing quotation');
        const d = line[i];
        if (d === '"') break;
        // inside double quotes a backslash only escapes `"` and `\`
        if (d === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          cur += line[i + 1];
          i += 2;
        } else {
          cur += d;
          i++;
        }
      }
      i++;
    } else {
      cur += c;
      i++;
    }
  }
  push();
  return words;
}
