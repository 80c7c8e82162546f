/**
 * Jinja2's expression grammar (parser.py), precedence for precedence: conditional expression,
 * or, and, not, comparisons and `in`, + -, ~, * / // %, ** (left-associative, as Jinja's),
 * unary - +, primaries with postfix `.x` `[i]` `(args)`, then filters `|f` and tests `is t`.
 */
import type { Args, Expr } from './ast.js';
import { SyntaxFailure } from './syntax-error.js';
import { type TokenStream, describe } from './stream.js';

const COMPARE = new Set(['==', '!=', '<', '<=', '>', '>=']);
const TEST_ARG_START = new Set(['name', 'string', 'integer', 'float', '(', '[', '{']);

/** Expression parser over a token stream (shared with the statement parser). */
export class ExprParser {
  constructor(readonly s: TokenStream) {}

  fail(msg: string, pos = this.s.current.pos): never {
    throw new SyntaxFailure(msg, pos);
  }

  /** parse_expression */
  expression(withCondexpr = true): Expr {
    return withCondexpr ? this.condexpr() : this.or();
  }

  condexpr(): Expr {
    let a = this.or();
    while (this.s.skipIf('name:if')) {
      const test = this.or();
      const b = this.s.skipIf('name:else') ? this.condexpr() : undefined;
      a = { t: 'cond', test, a, b, pos: a.pos };
    }
    return a;
  }

  or(): Expr {
    let a = this.and();
    while (this.s.skipIf('name:or')) a = { t: 'or', a, b: this.and(), pos: a.pos };
    return a;
  }

  and(): Expr {
    let a = this.not();
    while (this.s.skipIf('name:and')) a = { t: 'and', a, b: this.not(), pos: a.pos };
    return a;
  }

  not(): Expr {
    const pos = this.s.current.pos;
    if (this.s.skipIf('name:not')) return { t: 'not', a: this.not(), pos };
    return this.compare();
  }

  compare(): Expr {
    const first = this.math1();
    const ops: [string, Expr][] = [];
    for (;;) {
      const t = this.s.current.type;
      if (COMPARE.has(t)) {
        this.s.next();
        ops.push([t, this.math1()]);
      } else if (this.s.skipIf('name:in')) ops.push(['in', this.math1()]);
      else if (this.s.test('name:not') && this.s.test('name:in', this.s.look())) {
        this.s.next();
        this.s.next();
        ops.push(['notin', this.math1()]);
      } else break;
    }
    return ops.length ? { t: 'compare', first, ops, pos: first.pos } : first;
  }

  private binary(next: () => Expr, ops: string[]): Expr {
    let a = next();
    while (ops.includes(this.s.current.type)) {
      const op = this.s.next().type;
      a = { t: 'bin', op, a, b: next(), pos: a.pos };
    }
    return a;
  }

  math1(): Expr {
    return this.binary(() => this.concat(), ['+', '-']);
  }
  concat(): Expr {
    return this.binary(() => this.math2(), ['~']);
  }
  math2(): Expr {
    return this.binary(() => this.pow(), ['*', '/', '//', '%']);
  }
  pow(): Expr {
    return this.binary(() => this.unary(), ['**']);
  }

  unary(withFilter = true): Expr {
    const pos = this.s.current.pos;
    let node: Expr;
    if (this.s.skipIf('-')) node = { t: 'neg', a: this.unary(false), pos };
    else if (this.s.skipIf('+')) node = { t: 'pos', a: this.unary(false), pos };
    else node = this.primary();
    node = this.postfix(node);
    return withFilter ? this.filterExpr(node) : node;
  }

  primary(): Expr {
    const tok = this.s.current;
    const pos = tok.pos;
    if (tok.type === 'name') {
      this.s.next();
      if (tok.raw === 'true' || tok.raw === 'True') return { t: 'const', v: true, pos };
      if (tok.raw === 'false' || tok.raw === 'False') return { t: 'const', v: false, pos };
      if (tok.raw === 'none' || tok.raw === 'None') return { t: 'const', v: null, pos };
      return { t: 'name', name: tok.raw, pos };
    }
    if (tok.type === 'string') {
      let v = String(this.s.next().value);
      while (this.s.current.type === 'string') v += String(this.s.next().value);
      return { t: 'const', v, pos };
    }
    if (tok.type === 'integer' || tok.type === 'float') {
      this.s.next();
      return { t: 'const', v: tok.value, pos };
    }
    if (tok.type === '(') {
      this.s.next();
      const node = this.tuple(false, true, undefined, true);
      this.s.expect(')');
      return node;
    }
    if (tok.type === '[') return this.list();
    if (tok.type === '{') return this.dict();
    return this.fail(`unexpected '${describe(tok)}'`);
  }

  /**
   * parse_tuple: comma-separated expressions; a single one without a trailing comma is itself.
   * `extraEnd` stops at a keyword (`in` of a for loop).
   */
  tuple(
    simplified = false,
    withCondexpr = true,
    extraEnd?: (t: TokenStream) => boolean,
    explicitParens = false,
  ): Expr {
    const pos = this.s.current.pos;
    const parse = simplified ? () => this.primary() : () => this.expression(withCondexpr);
    const items: Expr[] = [];
    let isTuple = false;
    for (;;) {
      if (items.length) this.s.expect(',');
      if (this.tupleEnd(extraEnd)) break;
      items.push(parse());
      if (this.s.current.type === ',') isTuple = true;
      else break;
    }
    if (!isTuple) {
      if (items.length) return items[0];
      if (!explicitParens) this.fail(`Expected an expression, got '${describe(this.s.current)}'`);
    }
    return { t: 'tuple', items, pos };
  }

  private tupleEnd(extraEnd?: (t: TokenStream) => boolean): boolean {
    const t = this.s.current.type;
    if (t === 'variable_end' || t === 'block_end' || t === ')' || t === 'eof') return true;
    return extraEnd ? extraEnd(this.s) : false;
  }

  list(): Expr {
    const pos = this.s.expect('[').pos;
    const items: Expr[] = [];
    while (this.s.current.type !== ']') {
      if (items.length) this.s.expect(',');
      if (this.s.current.type === ']') break;
      items.push(this.expression());
    }
    this.s.expect(']');
    return { t: 'list', items, pos };
  }

  dict(): Expr {
    const pos = this.s.expect('{').pos;
    const items: [Expr, Expr][] = [];
    while (this.s.current.type !== '}') {
      if (items.length) this.s.expect(',');
      if (this.s.current.type === '}') break;
      const k = this.expression();
      this.s.expect(':');
      items.push([k, this.expression()]);
    }
    this.s.expect('}');
    return { t: 'dict', items, pos };
  }

  postfix(node: Expr): Expr {
    for (;;) {
      const t = this.s.current.type;
      if (t === '.' || t === '[') node = this.subscript(node);
      else if (t === '(') node = this.call(node);
      else return node;
    }
  }

  filterExpr(node: Expr): Expr {
    for (;;) {
      const t = this.s.current.type;
      if (t === '|') node = this.filter(node);
      else if (t === 'name' && this.s.current.raw === 'is') node = this.test(node);
      else if (t === '(') node = this.call(node);
      else return node;
    }
  }

  subscript(node: Expr): Expr {
    const tok = this.s.next();
    if (tok.type === '.') {
      const a = this.s.current;
      this.s.next();
      if (a.type === 'name') return { t: 'getattr', obj: node, name: a.raw, pos: node.pos };
      if (a.type !== 'integer') this.fail('expected name or number', a.pos);
      return { t: 'getitem', obj: node, key: { t: 'const', v: a.value, pos: a.pos }, pos: node.pos };
    }
    const args: Expr[] = [];
    while (this.s.current.type !== ']') {
      if (args.length) {
        this.s.expect(',');
        if (this.s.current.type === ']') break;
      }
      args.push(this.subscribed());
    }
    this.s.expect(']');
    const key: Expr = args.length === 1 ? args[0] : { t: 'tuple', items: args, pos: tok.pos };
    return { t: 'getitem', obj: node, key, pos: node.pos };
  }

  subscribed(): Expr {
    const pos = this.s.current.pos;
    const parts: (Expr | undefined)[] = [];
    if (this.s.current.type === ':') {
      this.s.next();
      parts.push(undefined);
    } else {
      const n = this.expression();
      if (this.s.current.type !== ':') return n;
      this.s.next();
      parts.push(n);
    }
    const ends = (): boolean => this.s.current.type === ']' || this.s.current.type === ',';
    if (this.s.current.type === ':') parts.push(undefined);
    else if (!ends()) parts.push(this.expression());
    else parts.push(undefined);
    if (this.s.skipIf(':')) parts.push(ends() ? undefined : this.expression());
    return { t: 'slice', start: parts[0], stop: parts[1], step: parts[2], pos };
  }

  callArgs(): Args {
    this.s.expect('(');
    const r: Args = { args: [], kwargs: [] };
    let first = true;
    while (this.s.current.type !== ')') {
      if (!first) {
        this.s.expect(',');
        if (this.s.current.type === ')') break;
      }
      first = false;
      const pos = this.s.current.pos;
      if (this.s.skipIf('*')) {
        if (r.dynArgs || r.dynKwargs) this.fail('Invalid argument syntax', pos);
        r.dynArgs = this.expression();
      } else if (this.s.skipIf('**')) {
        if (r.dynKwargs) this.fail('Invalid argument syntax', pos);
        r.dynKwargs = this.expression();
      } else if (this.s.current.type === 'name' && this.s.look().type === '=') {
        if (r.dynKwargs) this.fail('Invalid argument syntax', pos);
        const key = this.s.next().raw;
        this.s.next();
        r.kwargs.push([key, this.expression()]);
      } else {
        if (r.dynArgs || r.dynKwargs || r.kwargs.length) this.fail('Invalid argument syntax', pos);
        r.args.push(this.expression());
      }
    }
    this.s.expect(')');
    return r;
  }

  call(fn: Expr): Expr {
    return { t: 'call', fn, ...this.callArgs(), pos: fn.pos };
  }

  /** A filter or test name: dotted names (`ansible.builtin.to_json`) are one name. */
  dottedName(): string {
    let name = this.s.expect('name').raw;
    while (this.s.current.type === '.') {
      this.s.next();
      name += `.${this.s.expect('name').raw}`;
    }
    return name;
  }

  filter(node: Expr | null, startInline = false): Expr {
    for (;;) {
      if (!startInline) this.s.expect('|');
      startInline = false;
      const pos = this.s.current.pos;
      const name = this.dottedName();
      const a: Args = this.s.current.type === '(' ? this.callArgs() : { args: [], kwargs: [] };
      node = { t: 'filter', node, name, ...a, pos };
      if (this.s.current.type !== '|') return node;
    }
  }

  test(node: Expr): Expr {
    this.s.next();
    const negated = this.s.skipIf('name:not');
    const pos = this.s.current.pos;
    const name = this.dottedName();
    let a: Args = { args: [], kwargs: [] };
    const c = this.s.current;
    if (c.type === '(') a = this.callArgs();
    else if (TEST_ARG_START.has(c.type) && !['else', 'or', 'and'].some((k) => this.s.test(`name:${k}`))) {
      if (this.s.test('name:is')) this.fail('You cannot chain multiple tests with is');
      a = { args: [this.postfix(this.primary())], kwargs: [] };
    }
    const t: Expr = { t: 'test', node, name, ...a, pos };
    return negated ? { t: 'not', a: t, pos } : t;
  }
}
