import { describe, expect, it } from 'vitest';
import { tokenize } from './lexer.js';
import { parseTemplate } from './parse.js';
import { toTokens } from './stream.js';
import type { Expr, Stmt } from './ast.js';

const parse = (src: string): Stmt[] =>
  parseTemplate(
    toTokens(
      tokenize(src, { trimBlocks: true, lstripBlocks: false, keepTrailingNewline: false }),
      () => false,
    ),
    src,
  );
const expr = (src: string): Expr => (parse(`{{ ${src} }}`)[0] as Extract<Stmt, { t: 'print' }>).expr;

/** A compact s-expression of an expression tree. */
function sx(e: Expr): string {
  switch (e.t) {
    case 'const':
      return JSON.stringify(typeof e.v === 'bigint' ? String(e.v) : e.v);
    case 'name':
      return e.name;
    case 'bin':
      return `(${e.op} ${sx(e.a)} ${sx(e.b)})`;
    case 'filter':
      return `(|${e.name} ${e.node ? sx(e.node) : '_'}${e.args.map((a) => ` ${sx(a)}`).join('')})`;
    case 'test':
      return `(is-${e.name} ${sx(e.node)}${e.args.map((a) => ` ${sx(a)}`).join('')})`;
    case 'not':
    case 'neg':
      return `(${e.t} ${sx(e.a)})`;
    case 'and':
    case 'or':
      return `(${e.t} ${sx(e.a)} ${sx(e.b)})`;
    case 'getattr':
      return `(. ${sx(e.obj)} ${e.name})`;
    case 'getitem':
      return `([] ${sx(e.obj)} ${sx(e.key)})`;
    case 'cond':
      return `(if ${sx(e.test)} ${sx(e.a)} ${e.b ? sx(e.b) : '_'})`;
    case 'compare':
      return `(cmp ${sx(e.first)}${e.ops.map(([o, x]) => ` ${o} ${sx(x)}`).join('')})`;
    default:
      return e.t;
  }
}

describe('parser', () => {
  it("follows Jinja's precedence: filters bind tighter than arithmetic, ** is left-associative", () => {
    expect(sx(expr('a + b | int'))).toBe('(+ a (|int b))');
    expect(sx(expr('-x | abs'))).toBe('(|abs (neg x))');
    expect(sx(expr('not x | bool'))).toBe('(not (|bool x))');
    expect(sx(expr('2 ** 3 ** 2'))).toBe('(** (** 2 3) 2)');
    expect(sx(expr('a ~ b + c'))).toBe('(+ (~ a b) c)');
    expect(sx(expr('a or b and not c'))).toBe('(or a (and b (not c)))');
  });

  it('parses tests with and without parentheses, negated tests, and `not in`', () => {
    expect(sx(expr('x is divisibleby 3'))).toBe('(is-divisibleby x 3)');
    expect(sx(expr("v is version('2.0', '>=')"))).toBe('(is-version v "2.0" ">=")');
    expect(sx(expr('x is not defined'))).toBe('(not (is-defined x))');
    expect(sx(expr('a not in b'))).toBe('(cmp a notin b)');
  });

  it('parses subscripts, attributes, inline if and dotted filter names', () => {
    expect(sx(expr("hostvars[h]['x'].y"))).toBe('(. ([] ([] hostvars h) "x") y)');
    expect(sx(expr('a if c else b'))).toBe('(if c a b)');
    expect(sx(expr('d | ansible.builtin.to_json'))).toBe('(|ansible.builtin.to_json d)');
  });

  it('parses statements: for with else and filter, set block, macro with defaults', () => {
    const [f] = parse('{% for k, v in d.items() if v %}x{% else %}y{% endfor %}');
    expect(f).toMatchObject({
      t: 'for',
      target: { t: 'tuple' },
      filter: { t: 'name' },
      else: [{ t: 'data', text: 'y' }],
    });
    expect(parse('{% set x | upper %}a{% endset %}')[0]).toMatchObject({
      t: 'setblock',
      filter: { t: 'filter', name: 'upper' },
    });
    expect(parse('{% macro m(a, b=1) %}{% endmacro %}')[0]).toMatchObject({
      t: 'macro',
      params: [{ name: 'a' }, { name: 'b' }],
    });
  });

  it("reports Jinja's messages for unknown and unclosed tags", () => {
    expect(() => parse('{% do x %}')).toThrow("Encountered unknown tag 'do'.");
    expect(() => parse('{% for x in y %}')).toThrow(
      /Unexpected end of template. Jinja was looking for the following tags: 'endfor' or 'else'. The innermost block that needs to be closed is 'for'./,
    );
    expect(() => parse('{% if x %}{% endfor %}')).toThrow(
      /You probably made a nesting mistake|Encountered unknown tag 'endfor'/,
    );
    expect(() => parse('{% macro m(a=1, b) %}{% endmacro %}')).toThrow(
      /non-default argument follows default argument/,
    );
    expect(() => parse('{% extends "x" %}')).toThrow(/not supported by certfleet/);
  });
});
