import { describe, expect, it } from 'vitest';
import { normalizeSource, tokenize } from './lexer.js';

const opts = { trimBlocks: true, lstripBlocks: false, keepTrailingNewline: false };
const types = (src: string): string[] =>
  tokenize(src, opts)
    .filter((t) => t.type !== 'whitespace')
    .map((t) => `${t.type}:${t.value}`);

describe('lexer', () => {
  it('splits data, variables, blocks and comments', () => {
    expect(types('a{{ x }}b{% if y %}c{# z #}')).toEqual([
      'data:a',
      'variable_begin:{{',
      'name:x',
      'variable_end:}}',
      'data:b',
      'block_begin:{%',
      'name:if',
      'name:y',
      'block_end:%}',
      'data:c',
      'comment_begin:{#',
      'comment: z ',
      'comment_end:#}',
    ]);
  });

  it('reads numbers and strings as Jinja does', () => {
    expect(types("{{ 1_000 0x1F 1.5e3 'a\\'b' \"c\" }}").slice(1, -1)).toEqual([
      'integer:1_000',
      'integer:0x1F',
      'float:1.5e3',
      "string:'a\\'b'",
      'string:"c"',
    ]);
  });

  it('only ends a tag with balanced brackets ({{ {"a": 1} }})', () => {
    expect(types('{{ {"a": {"b": 1}} }}').pop()).toBe('variable_end:}}');
  });

  it('strips whitespace with - and trims the newline after a block (trim_blocks)', () => {
    const data = (src: string): string =>
      tokenize(src, opts)
        .filter((t) => t.type === 'data')
        .map((t) => t.value)
        .join('|');
    expect(data('a  {%- if x -%}  b  {%- endif %}\nc')).toBe('a|b|c');
    expect(data('x\n{% if y %}\nz')).toBe('x\n|z');
    expect(data('{%+ if y +%}\nz')).toBe('\nz');
  });

  it('keeps raw blocks as data', () => {
    expect(types('{% raw %}{{ x }}{% endraw %}')).toEqual([
      'raw_begin:{% raw %}',
      'data:{{ x }}',
      'raw_end:{% endraw %}',
    ]);
  });

  it('normalises newlines and drops one trailing newline', () => {
    expect(normalizeSource('a\r\nb\rc\n\n', false)).toBe('a\nb\nc\n');
    expect(normalizeSource('a\n', true)).toBe('a\n');
  });

  it('fails on an unclosed comment, an unbalanced bracket and an unterminated tag, with the offset', () => {
    expect(() => tokenize('{# x', opts)).toThrow(/Missing end of comment tag/);
    expect(() => tokenize('{{ x ) }}', opts)).toThrow(/unexpected '\)'/);
    let pos = -1;
    try {
      tokenize('ab{{ x', opts);
    } catch (e) {
      pos = (e as { pos: number }).pos;
    }
    expect(pos).toBe(4);
  });
});
