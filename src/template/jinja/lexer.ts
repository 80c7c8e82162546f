/**
 * Jinja2 3.1's lexer, rule for rule: data, `{{ }}`, `{% %}`, `{# #}`, `{% raw %}`, whitespace
 * control (`-`, `+`), trim_blocks/lstrip_blocks, newline normalisation (\r\n and \r become \n, one
 * trailing newline dropped unless keep_trailing_newline). Tokens carry their offset so errors can
 * say line and column.
 */
import { syntaxAt } from './syntax-error.js';

/** Lexer settings (Ansible's defaults: trim_blocks on, lstrip_blocks off). */
export interface LexOptions {
  trimBlocks: boolean;
  lstripBlocks: boolean;
  keepTrailingNewline: boolean;
}

/** A raw token: type, text, offset in the normalised source. */
export interface RawToken {
  type: string;
  value: string;
  pos: number;
}

const PY_WS =
  ' \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

/** Python's str.rstrip(). */
export function pyRstrip(s: string): string {
  let i = s.length;
  while (i > 0 && PY_WS.includes(s[i - 1])) i--;
  return s.slice(0, i);
}

const FLOAT = /(?<!\.)(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?e[+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/iy;
const INTEGER = /(?:0b(?:_?[01])+|0o(?:_?[0-7])+|0x(?:_?[\da-f])+|[1-9](?:_?\d)*|0(?:_?0)*)/iy;
const NAME = /[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*/uy;
const STRING = /'([^'\\]*(?:\\.[^'\\]*)*)'|"([^"\\]*(?:\\.[^"\\]*)*)"/sy;
const WS = /\s+/y;
const OPERATOR = /\/\/|\*\*|==|!=|>=|<=|[+\-/*%~[\](){}><=.:|,;]/y;

interface Compiled {
  root: RegExp;
  blockEnd: RegExp;
  varEnd: RegExp;
  comment: RegExp;
  raw: RegExp;
}

const cache = new Map<string, Compiled>();
function rules(o: LexOptions): Compiled {
  const key = `${o.trimBlocks}`;
  let c = cache.get(key);
  if (!c) {
    const suffix = o.trimBlocks ? '\\n?' : '';
    c = {
      root: new RegExp(
        '(.*?)(?:(?<raw_begin>\\{%(-|\\+|)\\s*raw\\s*(?:-%\\}\\s*|%\\}))|(?<variable_begin>\\{\\{(-|\\+|))|(?<comment_begin>\\{#(-|\\+|))|(?<block_begin>\\{%(-|\\+|)))',
        'sy',
      ),
      blockEnd: new RegExp(`(?:\\+%\\}|-%\\}\\s*|%\\}${suffix})`, 'y'),
      varEnd: /-\}\}\s*|\}\}/y,
      comment: new RegExp(`(.*?)((?:\\+#\\}|-#\\}\\s*|#\\}${suffix}))`, 'sy'),
      raw: new RegExp(`(.*?)((?:\\{%(-|\\+|))\\s*endraw\\s*(?:\\+%\\}|-%\\}\\s*|%\\}${suffix}))`, 'sy'),
    };
    cache.set(key, c);
  }
  return c;
}

/** Jinja's newline handling: split on \r\n|\r|\n, drop one trailing empty line, join with \n. */
export function normalizeSource(source: string, keepTrailingNewline: boolean): string {
  const lines = source.split(/\r\n|\r|\n/);
  if (!keepTrailingNewline && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/** Apply `-` / lstrip_blocks to the text before a tag. */
function lstrip(text: string, sign: string, isVar: boolean, o: LexOptions, lineStarting: boolean): string {
  if (sign === '-') return pyRstrip(text);
  if (sign !== '+' && o.lstripBlocks && !isVar) {
    const l = text.lastIndexOf('\n') + 1;
    if ((l > 0 || lineStarting) && /^\s*$/.test(text.slice(l))) return text.slice(0, l);
  }
  return text;
}

/**
 * Tokenize the (already normalised) source as Jinja's tokeniter does. Whitespace tokens inside
 * tags are kept (the backslash pre-pass rebuilds the source from them).
 */
export function tokenize(src: string, o: LexOptions): RawToken[] {
  const r = rules(o);
  const out: RawToken[] = [];
  let pos = 0;
  let lineStarting = true;
  const n = src.length;
  while (pos < n) {
    r.root.lastIndex = pos;
    const m = r.root.exec(src);
    if (!m) {
      out.push({ type: 'data', value: src.slice(pos), pos });
      break;
    }
    const g = m.groups!;
    const kind = g.raw_begin
      ? 'raw_begin'
      : g.variable_begin
        ? 'variable_begin'
        : g.comment_begin
          ? 'comment_begin'
          : 'block_begin';
    const sign = m[3] ?? m[5] ?? m[7] ?? m[9] ?? '';
    const text = lstrip(m[1], sign, kind === 'variable_begin', o, lineStarting);
    if (text) out.push({ type: 'data', value: text, pos });
    const tagPos = pos + m[1].length;
    const tag = m[0].slice(m[1].length);
    out.push({ type: kind, value: tag, pos: tagPos });
    pos = r.root.lastIndex;
    if (kind === 'comment_begin') {
      r.comment.lastIndex = pos;
      const c = r.comment.exec(src);
      if (!c) throw syntaxAt('Missing end of comment tag', src, tagPos);
      out.push(
        { type: 'comment', value: c[1], pos },
        { type: 'comment_end', value: c[2], pos: pos + c[1].length },
      );
      pos = r.comment.lastIndex;
      lineStarting = c[0].endsWith('\n');
    } else if (kind === 'raw_begin') {
      r.raw.lastIndex = pos;
      const c = r.raw.exec(src);
      if (!c) throw syntaxAt('Missing end of raw directive', src, tagPos);
      const body = c[3] === '-' ? pyRstrip(c[1]) : c[1];
      if (body) out.push({ type: 'data', value: body, pos });
      out.push({ type: 'raw_end', value: c[2], pos: pos + c[1].length });
      pos = r.raw.lastIndex;
      lineStarting = c[0].endsWith('\n');
    } else {
      pos = tagBody(src, pos, kind === 'block_begin' ? r.blockEnd : r.varEnd, kind, out);
      lineStarting = src[pos - 1] === '\n';
    }
  }
  return out;
}

const TAG_RULES = [
  [WS, 'whitespace'],
  [FLOAT, 'float'],
  [INTEGER, 'integer'],
  [NAME, 'name'],
  [STRING, 'string'],
  [OPERATOR, 'operator'],
] as const;
const WS_ONLY = [[WS, 'whitespace']] as const;
const NUMBER_RULES = [
  [FLOAT, 'float'],
  [INTEGER, 'integer'],
  [OPERATOR, 'operator'],
] as const;

const CLOSE: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Tokens inside `{{ }}` / `{% %}` up to the end tag (only matched with balanced brackets). */
function tagBody(src: string, pos: number, end: RegExp, kind: string, out: RawToken[]): number {
  const stack: string[] = [];
  const endType = kind === 'block_begin' ? 'block_end' : 'variable_end';
  const beginPos = pos;
  for (;;) {
    if (pos >= src.length) {
      const what = kind === 'block_begin' ? 'statement' : 'print statement';
      throw syntaxAt(`unexpected end of template, expected end of ${what}`, src, beginPos);
    }
    if (!stack.length) {
      end.lastIndex = pos;
      const m = end.exec(src);
      if (m) {
        out.push({ type: endType, value: m[0], pos });
        return end.lastIndex;
      }
    }
    let matched = false;
    // cheap first-character dispatch: most tokens are a space, a name or an operator
    const ch = src.charCodeAt(pos);
    const rules =
      ch === 32 || ch === 10 || ch === 9 ? WS_ONLY : ch >= 48 && ch <= 57 ? NUMBER_RULES : TAG_RULES;
    for (const [re, type] of rules) {
      re.lastIndex = pos;
      const m = re.exec(src);
      if (!m) continue;
      const v = m[0];
      if (type === 'operator') {
        if (CLOSE[v]) stack.push(CLOSE[v]);
        else if (v === ')' || v === ']' || v === '}') {
          if (!stack.length) throw syntaxAt(`unexpected '${v}'`, src, pos);
          const want = stack.pop();
          if (want !== v) throw syntaxAt(`unexpected '${v}', expected '${want}'`, src, pos);
        }
      }
      out.push({ type, value: v, pos });
      pos = re.lastIndex;
      matched = true;
      break;
    }
    if (!matched) throw syntaxAt(`unexpected char ${JSON.stringify(src[pos])} at ${pos}`, src, pos);
  }
}
