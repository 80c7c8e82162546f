/**
 * Jinja2's statement parser: data, `{{ }}`, and the tags Ansible's environment knows (for, if,
 * set, macro, call, filter, with, include; raw is handled by the lexer). Tags Jinja has but
 * certfleet does not run (extends/block/import/from/autoescape) and unknown tags (`do`, `break`
 * without the loopcontrols extension, as in Ansible) are syntax errors with Jinja's wording.
 */
import type { Expr, Param, Stmt, Target } from './ast.js';
import { ExprParser } from './parse-expr.js';
import { SyntaxFailure } from './syntax-error.js';
import { type Token, TokenStream, describe } from './stream.js';

const UNSUPPORTED = new Set(['extends', 'block', 'import', 'from', 'autoescape', 'print']);
const STATEMENTS = new Set(['for', 'if', 'set', 'macro', 'call', 'filter', 'with', 'include']);

/** Parse a token list into statements. `src` is the normalised source (for error/expression text). */
export function parseTemplate(tokens: Token[], src: string): Stmt[] {
  return new Parser(tokens, src).parseAll();
}

/** Parse a bare expression (`when:`) from the tokens of `{{ expr }}`-less text. */
export function parseBareExpression(tokens: Token[], src: string): Expr {
  const p = new Parser(tokens, src);
  // `{% if EXPR %}`: parse_tuple(with_condexpr=False), so a top-level `a if b else c` is an error
  const e = p.e.tuple(false, false);
  if (p.s.current.type !== 'eof')
    p.e.fail(`expected token 'end of statement block', got '${describe(p.s.current)}'`);
  return e;
}

class Parser {
  readonly s: TokenStream;
  readonly e: ExprParser;
  private readonly tagStack: string[] = [];
  private readonly endStack: string[][] = [];

  constructor(
    tokens: Token[],
    readonly src: string,
  ) {
    this.s = new TokenStream(tokens);
    this.e = new ExprParser(this.s);
  }

  parseAll(): Stmt[] {
    const body = this.subparse();
    if (this.s.current.type !== 'eof') this.e.fail(`unexpected '${describe(this.s.current)}'`);
    return body;
  }

  private tagText(start: number): string {
    const end = this.s.current;
    return this.src.slice(start, end.pos + end.raw.length).trim();
  }

  private subparse(endTokens?: string[]): Stmt[] {
    const body: Stmt[] = [];
    if (endTokens) this.endStack.push(endTokens);
    try {
      for (;;) {
        const t = this.s.current;
        if (t.type === 'data') {
          body.push({ t: 'data', text: String(t.value) });
          this.s.next();
        } else if (t.type === 'variable_begin') {
          this.s.next();
          const expr = this.e.tuple(false, true);
          const src = this.tagText(t.pos);
          this.s.expect('variable_end');
          body.push({ t: 'print', expr, src, pos: t.pos });
        } else if (t.type === 'block_begin') {
          this.s.next();
          if (endTokens && endTokens.some((x) => this.s.test(x))) return body;
          body.push(this.statement(t.pos));
          this.s.expect('block_end');
        } else if (t.type === 'eof') {
          if (endTokens) this.failEof();
          return body;
        } else this.e.fail(`unexpected '${describe(t)}'`);
      }
    } finally {
      if (endTokens) this.endStack.pop();
    }
  }

  /** parse_statements: an optional ':', the end of the opening tag, then the body. */
  private body(ends: string[]): Stmt[] {
    this.s.skipIf(':');
    this.s.expect('block_end');
    return this.subparse(ends.map((x) => `name:${x}`));
  }
  private bodyDrop(end: string): Stmt[] {
    const b = this.body([end]);
    this.s.next();
    return b;
  }

  private failEof(): never {
    const looking = this.endStack.length
      ? this.endStack[this.endStack.length - 1].map((x) => `'${x.split(':')[1]}'`).join(' or ')
      : '';
    const msg = ['Unexpected end of template.'];
    if (looking) msg.push(`Jinja was looking for the following tags: ${looking}.`);
    if (this.tagStack.length)
      msg.push(
        `The innermost block that needs to be closed is '${this.tagStack[this.tagStack.length - 1]}'.`,
      );
    throw new SyntaxFailure(msg.join(' '), this.s.current.pos);
  }

  private failUnknown(name: string, pos: number): never {
    const expected = new Set(this.endStack.flat().map((x) => x.split(':')[1]));
    const looking = this.endStack.length
      ? this.endStack[this.endStack.length - 1].map((x) => `'${x.split(':')[1]}'`).join(' or ')
      : '';
    const msg = [`Encountered unknown tag '${name}'.`];
    if (looking) {
      if (expected.has(name))
        msg.push(
          `You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for ${looking}.`,
        );
      else msg.push(`Jinja was looking for the following tags: ${looking}.`);
    }
    if (this.tagStack.length)
      msg.push(
        `The innermost block that needs to be closed is '${this.tagStack[this.tagStack.length - 1]}'.`,
      );
    throw new SyntaxFailure(msg.join(' '), pos);
  }

  private statement(tagPos: number): Stmt {
    const t = this.s.current;
    if (t.type !== 'name') this.e.fail('tag name expected');
    if (UNSUPPORTED.has(t.raw))
      this.e.fail(
        `the '${t.raw}' tag is not supported by certfleet's Jinja engine (template inheritance and imports are not implemented)`,
      );
    if (!STATEMENTS.has(t.raw)) this.failUnknown(t.raw, t.pos);
    this.tagStack.push(t.raw);
    try {
      this.s.next();
      switch (t.raw) {
        case 'for':
          return this.parseFor(tagPos);
        case 'if':
          return this.parseIf(tagPos);
        case 'set':
          return this.parseSet(tagPos);
        case 'macro':
          return this.parseMacro(tagPos);
        case 'call':
          return this.parseCall(tagPos);
        case 'filter': {
          const filter = this.e.filter(null, true);
          return { t: 'filterblock', filter, body: this.bodyDrop('endfilter'), pos: tagPos };
        }
        case 'with':
          return this.parseWith(tagPos);
        default:
          return this.parseInclude(tagPos);
      }
    } finally {
      this.tagStack.pop();
    }
  }

  private assignTarget(
    opts: { withTuple?: boolean; nameOnly?: boolean; extraEnd?: string; ns?: boolean } = {},
  ): Target {
    const pos = this.s.current.pos;
    if (opts.ns && this.s.current.type === 'name' && this.s.look().type === '.') {
      const name = this.s.next().raw;
      this.s.next();
      const attr = this.s.expect('name').raw;
      return { t: 'nsref', name, attr, pos };
    }
    if (opts.nameOnly) return { t: 'name', name: this.s.expect('name').raw, pos };
    const extra = opts.extraEnd;
    const node =
      opts.withTuple === false
        ? this.e.primary()
        : this.e.tuple(true, true, extra ? (s) => s.test(extra) : undefined);
    return this.toTarget(node);
  }

  private toTarget(node: Expr): Target {
    if (node.t === 'name') {
      if (['true', 'false', 'none', 'True', 'False', 'None'].includes(node.name))
        this.e.fail(`can't assign to '${node.name}'`, node.pos);
      return { t: 'name', name: node.name, pos: node.pos };
    }
    if (node.t === 'tuple')
      return { t: 'tuple', items: node.items.map((x) => this.toTarget(x)), pos: node.pos };
    return this.e.fail(`can't assign to '${node.t === 'const' ? 'const' : node.t}'`, node.pos);
  }

  private parseFor(pos: number): Stmt {
    const target = this.assignTarget({ extraEnd: 'name:in' });
    this.s.expect('name:in');
    const iterPos = this.s.current.pos;
    const iter = this.e.tuple(false, false, (s) => s.test('name:recursive'));
    const filter = this.s.skipIf('name:if') ? this.e.expression() : undefined;
    const recursive = this.s.skipIf('name:recursive');
    const src = this.src.slice(iterPos, this.s.current.pos).trim();
    const body = this.body(['endfor', 'else']);
    const elseBody = this.s.next().raw === 'endfor' ? undefined : this.bodyDrop('endfor');
    return { t: 'for', target, iter, filter, recursive, body, else: elseBody, src, pos };
  }

  private parseIf(pos: number): Stmt {
    const branches: [Expr, Stmt[]][] = [];
    let elseBody: Stmt[] | undefined;
    for (;;) {
      const test = this.e.tuple(false, false);
      const body = this.body(['elif', 'else', 'endif']);
      branches.push([test, body]);
      const tok = this.s.next();
      if (tok.raw === 'elif') continue;
      if (tok.raw === 'else') elseBody = this.bodyDrop('endif');
      break;
    }
    return { t: 'if', branches, else: elseBody, pos };
  }

  private parseSet(pos: number): Stmt {
    const target = this.assignTarget({ ns: true });
    if (this.s.skipIf('=')) {
      const start = this.s.current.pos;
      const expr = this.e.tuple(false, true);
      return { t: 'set', target, expr, src: this.src.slice(start, this.s.current.pos).trim(), pos };
    }
    const filter = this.s.current.type === '|' ? this.e.filter(null) : undefined;
    return { t: 'setblock', target, filter, body: this.bodyDrop('endset'), pos };
  }

  private signature(): Param[] {
    const params: Param[] = [];
    this.s.expect('(');
    while (this.s.current.type !== ')') {
      if (params.length) this.s.expect(',');
      const name = this.s.expect('name').raw;
      if (this.s.skipIf('=')) params.push({ name, default: this.e.expression() });
      else if (params.some((p) => p.default)) this.e.fail('non-default argument follows default argument');
      else params.push({ name });
    }
    this.s.expect(')');
    return params;
  }

  private parseMacro(pos: number): Stmt {
    const name = this.s.expect('name').raw;
    const params = this.signature();
    return { t: 'macro', name, params, body: this.bodyDrop('endmacro'), pos };
  }

  private parseCall(pos: number): Stmt {
    const params = this.s.current.type === '(' ? this.signature() : [];
    const call = this.e.expression();
    if (call.t !== 'call') this.e.fail('expected call', call.pos);
    return { t: 'callblock', call, params, body: this.bodyDrop('endcall'), pos };
  }

  private parseWith(pos: number): Stmt {
    const assigns: [Target, Expr][] = [];
    while (this.s.current.type !== 'block_end') {
      if (assigns.length) this.s.expect(',');
      const target = this.assignTarget();
      this.s.expect('=');
      assigns.push([target, this.e.expression()]);
    }
    return { t: 'with', assigns, body: this.bodyDrop('endwith'), pos };
  }

  private parseInclude(pos: number): Stmt {
    const template = this.e.expression();
    let ignoreMissing = false;
    if (this.s.test('name:ignore') && this.s.test('name:missing', this.s.look())) {
      this.s.next();
      this.s.next();
      ignoreMissing = true;
    }
    let withContext = true;
    if (
      (this.s.test('name:with') || this.s.test('name:without')) &&
      this.s.test('name:context', this.s.look())
    ) {
      withContext = this.s.next().raw === 'with';
      this.s.next();
    }
    return { t: 'include', template, ignoreMissing, withContext, pos };
  }
}
