/**
 * The parser's token stream: the lexer's raw tokens without whitespace and comments, literals
 * converted (Python string escapes, int/float), positions kept.
 */
import type { RawToken } from './lexer.js';
import { SyntaxFailure } from './syntax-error.js';
import { mkFloat, mkInt } from './values.js';

/** A parser token; `value` is the converted literal for strings and numbers. */
export interface Token {
  type: string;
  raw: string;
  value: unknown;
  pos: number;
}

const SIMPLE: Record<string, string> = {
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
  '\n': '',
};

/** Python's unicode-escape decoding of a string literal's body. */
export function unescape(s: string, pos: number): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i === s.length - 1) {
      out += c;
      continue;
    }
    const e = s[++i];
    if (e in SIMPLE) out += SIMPLE[e];
    else if (e >= '0' && e <= '7') {
      const m = /^[0-7]{1,3}/.exec(s.slice(i))![0];
      out += String.fromCodePoint(parseInt(m, 8));
      i += m.length - 1;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = s.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) {
        throw new SyntaxFailure(`truncated \\${e}${'X'.repeat(len)} escape`, pos);
      }
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) throw new SyntaxFailure('illegal Unicode character', pos);
      out += String.fromCodePoint(cp);
      i += len;
    } else if (e === 'N') {
      throw new SyntaxFailure('\\N{...} escapes are not supported', pos);
    } else out += `\\${e}`;
  }
  return out;
}

function intValue(raw: string): number | bigint {
  const s = raw.replace(/_/g, '').toLowerCase();
  return mkInt(BigInt(/^0[box]/.test(s) ? s : s.replace(/^0+(?=\d)/, '')));
}

/** Convert raw tag tokens for the parser. `rawStrings`: no escape processing (Ansible's pre-pass). */
export function toTokens(raw: RawToken[], rawStrings: (t: RawToken) => boolean): Token[] {
  const out: Token[] = [];
  for (const t of raw) {
    if (
      t.type === 'whitespace' ||
      t.type === 'comment' ||
      t.type === 'comment_begin' ||
      t.type === 'comment_end'
    )
      continue;
    if (t.type === 'raw_begin' || t.type === 'raw_end') continue;
    let value: unknown = t.value;
    let type = t.type;
    if (type === 'string') {
      const body = t.value.slice(1, -1);
      value = rawStrings(t) ? body : unescape(body, t.pos);
    } else if (type === 'integer') value = intValue(t.value);
    else if (type === 'float') value = mkFloat(Number(t.value.replace(/_/g, '')));
    else if (type === 'operator') type = t.value;
    out.push({ type, raw: t.value, value, pos: t.pos });
  }
  out.push({
    type: 'eof',
    raw: '',
    value: '',
    pos: raw.length ? raw[raw.length - 1].pos + raw[raw.length - 1].value.length : 0,
  });
  return out;
}

/** Cursor over tokens with Jinja's helpers (skip_if, expect, test `name:if`). */
export class TokenStream {
  i = 0;
  constructor(readonly tokens: Token[]) {}

  get current(): Token {
    return this.tokens[this.i];
  }
  look(n = 1): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)];
  }
  next(): Token {
    const t = this.tokens[this.i];
    if (t.type !== 'eof') this.i++;
    return t;
  }
  /** Is the current token `type` (or `name:value`)? */
  test(expr: string, t: Token = this.current): boolean {
    if (t.type === expr) return true;
    const c = expr.indexOf(':');
    return c > 0 && t.type === expr.slice(0, c) && t.raw === expr.slice(c + 1);
  }
  skipIf(expr: string): boolean {
    if (!this.test(expr)) return false;
    this.next();
    return true;
  }
  expect(expr: string): Token {
    if (!this.test(expr)) {
      const want = expr.includes(':') ? `'${expr.split(':')[1]}'` : expr;
      const t = this.current;
      if (t.type === 'eof') throw new SyntaxFailure(`unexpected end of template, expected ${want}.`, t.pos);
      throw new SyntaxFailure(`expected token ${want}, got '${describe(t)}'`, t.pos);
    }
    return this.next();
  }
}

/** How Jinja names a token in its messages. */
export function describe(t: Token): string {
  if (t.type === 'block_end') return 'end of statement block';
  if (t.type === 'variable_end') return 'end of print statement';
  if (t.type === 'eof') return 'end of template';
  return t.raw;
}
