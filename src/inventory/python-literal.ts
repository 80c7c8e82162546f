/**
 * A reader for Python literals, because Ansible types INI inventory values with `ast.literal_eval`:
 * `port=22` is the int 22, `on=True` a bool, `l=[1, 'a']` a list, `s='x'` the string x, while `true`
 * or `hello world` stay strings. Accepts what literal_eval accepts for JSON-representable values:
 * numbers (underscores, 0x/0o/0b, floats), strings (quotes, triple quotes, r/b/u prefixes, escapes,
 * implicit concatenation), True/False/None, lists, tuples, dicts, unary signs and a trailing comment.
 */

/** The value, or `undefined` when `text` is not a literal (the caller keeps the raw string). */
export function literalEval(text: string): { value: unknown } | undefined {
  // fast paths for the common cases: a plain word or dotted address is never a literal
  if (/^[A-Za-z_][\w.-]*$/.test(text) && !/^(?:True|False|None)$/.test(text)) return undefined;
  if (/^-?[1-9]\d*$|^0$/.test(text)) return { value: Number(text) };
  const p = new Reader(text.replace(/^[ \t]+/, ''));
  try {
    const value = p.expression();
    p.skipSpace(true);
    return p.atEnd() ? { value } : undefined;
  } catch (err) {
    if (err instanceof NotLiteral) return undefined;
    throw err;
  }
}

class NotLiteral extends Error {}
// one instance, thrown again and again: building a stack trace per rejected value is the hot spot
// when thousands of INI values (host names, IPs, plain words) are typed
const NOT_LITERAL = new NotLiteral('not a literal');

const NUMBER =
  /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*\.(?:\d(?:_?\d)*)?|\.\d(?:_?\d)*|\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?)/;
const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

class Reader {
  private i = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.i >= this.s.length;
  }

  /** Skip blanks; outside brackets a newline ends the statement, so only a comment may follow. */
  skipSpace(allowComment = false, inBrackets = false): void {
    const blank = inBrackets ? /[ \t\r\n\f]/ : /[ \t\f]/;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (blank.test(c)) this.i++;
      else if (c === '#' && (allowComment || inBrackets)) {
        while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
      } else if (!inBrackets && (c === '\n' || c === '\r') && /^[\s]*$/.test(this.s.slice(this.i))) {
        this.i = this.s.length;
      } else break;
    }
  }

  expression(depth = 0): unknown {
    const inBrackets = depth > 0;
    this.skipSpace(false, inBrackets);
    const c = this.s[this.i];
    if (c === '-' || c === '+') {
      this.i++;
      this.skipSpace(false, inBrackets);
      const v = this.expression(depth);
      if (typeof v !== 'number' || this.lastWasBool) throw NOT_LITERAL;
      return c === '-' ? -v : v;
    }
    this.lastWasBool = false;
    if (c === '[') return this.sequence(']', depth);
    if (c === '(') return this.tuple(depth);
    if (c === '{') return this.dict(depth);
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i))?.[0];
    if (
      word &&
      /^(?:[rRbBuU]|[rR][bB]|[bB][rR])$/.test(word) &&
      /['"]/.test(this.s[this.i + word.length] ?? '')
    ) {
      return this.strings(depth);
    }
    if (word) {
      this.i += word.length;
      if (word === 'True' || word === 'False') {
        this.lastWasBool = true;
        return word === 'True';
      }
      if (word === 'None') return null;
      throw NOT_LITERAL;
    }
    if (c === '"' || c === "'") return this.strings(depth);
    const num = NUMBER.exec(this.s.slice(this.i))?.[0];
    if (num) {
      this.i += num.length;
      // `1j` (complex), `1abc` or `07` (leading zero) are not literals we can represent
      if (/^[A-Za-z0-9_.]/.test(this.s[this.i] ?? '')) throw NOT_LITERAL;
      const clean = num.replace(/_/g, '');
      if (/^0\d/.test(clean) && !/[.eE]/.test(clean) && /[1-9]/.test(clean)) throw NOT_LITERAL;
      if (/^0[xXoObB]/.test(clean)) return Number(clean.toLowerCase());
      return Number(clean);
    }
    throw NOT_LITERAL;
  }

  private lastWasBool = false;

  private sequence(close: string, depth: number): unknown[] {
    this.i++;
    const items: unknown[] = [];
    for (;;) {
      this.skipSpace(false, true);
      if (this.s[this.i] === close) {
        this.i++;
        return items;
      }
      items.push(this.expression(depth + 1));
      this.skipSpace(false, true);
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) throw NOT_LITERAL;
    }
  }

  private tuple(depth: number): unknown {
    const start = this.i;
    const items = this.sequence(')', depth);
    // `(x)` is just x; a tuple needs a comma or must be empty
    const inner = this.s.slice(start + 1, this.i - 1).replace(/#.*$/gm, '');
    if (items.length === 1 && !/,\s*$/.test(inner)) return items[0];
    return items;
  }

  private dict(depth: number): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.skipSpace(false, true);
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      const key = this.expression(depth + 1);
      this.skipSpace(false, true);
      // a set literal ({1, 2}) has no JSON form: treat it as not a literal
      if (this.s[this.i] !== ':') throw NOT_LITERAL;
      this.i++;
      if (key !== null && typeof key === 'object') throw NOT_LITERAL;
      const name =
        typeof key === 'string'
          ? key
          : typeof key === 'number'
            ? String(key)
            : key === null
              ? 'None'
              : key
                ? 'True'
                : 'False';
      out[name] = this.expression(depth + 1);
      this.skipSpace(false, true);
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') throw NOT_LITERAL;
    }
  }

  /** One or more adjacent string literals, concatenated like Python does. */
  private strings(depth: number): string {
    let out = '';
    do {
      out += this.string();
      this.skipSpace(false, depth > 0);
    } while (/^(?:[rRbBuU]|[rR][bB]|[bB][rR])?['"]/.test(this.s.slice(this.i)));
    return out;
  }

  private string(): string {
    const prefix = /^[rRbBuU]*/.exec(this.s.slice(this.i))![0];
    this.i += prefix.length;
    const raw = /r/i.test(prefix);
    const q = this.s[this.i];
    const triple = this.s.startsWith(q.repeat(3), this.i);
    const delim = triple ? q.repeat(3) : q;
    this.i += delim.length;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) throw NOT_LITERAL;
      if (this.s.startsWith(delim, this.i)) {
        this.i += delim.length;
        return out;
      }
      const c = this.s[this.i];
      if (!triple && c === '\n') throw NOT_LITERAL;
      if (c === '\\') {
        const n = this.s[this.i + 1] ?? '';
        if (raw) {
          out += c + n;
          this.i += 2;
          continue;
        }
        this.i += 2;
        out += this.escape(n);
        continue;
      }
      out += c;
      this.i++;
    }
  }

  private escape(n: string): string {
    if (n in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[n];
    const hexLen = n === 'x' ? 2 : n === 'u' ? 4 : n === 'U' ? 8 : 0;
    if (hexLen) {
      const hex = this.s.slice(this.i, this.i + hexLen);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) throw NOT_LITERAL;
      this.i += hexLen;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    if (/[0-7]/.test(n)) {
      const oct = n + (/^[0-7]{0,2}/.exec(this.s.slice(this.i))?.[0] ?? '');
      this.i += oct.length - 1;
      return String.fromCodePoint(parseInt(oct, 8));
    }
    // Python keeps unknown escapes as they are (backslash included)
    return `\\${n}`;
  }
}
