/**
 * The engine's entry points. A template text is compiled once per environment and options (a
 * cache), then rendered for any number of hosts:
 * - render(): text, as Ansible's template module writes a file (ansible_concat) or as a playbook
 *   string renders (Templar.template without type conversion);
 * - evaluate(): Ansible's Templar.template() result for a playbook value — a string that is a
 *   single variable keeps its type, output that looks like a list/dict/bool is literal_eval'd.
 * Rendering is one pass over the template's own text: values are never parsed as templates.
 */
import type { Stmt } from './ast.js';
import { type ExecFn, type StmtCtx, compileBody } from './compile-stmt.js';
import { type CompileCtx, type EvalFn, type Used, compileExpr } from './compile-expr.js';
import { defaultEnvironment, type Environment } from './environment.js';
import { JinjaRuntimeError, JinjaSyntaxError, type Origin } from './errors.js';
import { type LexOptions, normalizeSource, tokenize } from './lexer.js';
import { concatEval, concatText, trailingNewlines } from './output.js';
import { parseBareExpression, parseTemplate } from './parse.js';
import { Frame, Rt, type Scope } from './runtime.js';
import { toTokens } from './stream.js';
import { SyntaxFailure, lineCol } from './syntax-error.js';
import { isNumber } from './values.js';
import { jinjaOverrides, escapeBackslashes } from './prepass.js';

/** Compile options. */
export interface TemplateOptions {
  /**
   * 'value' (default): a playbook string, as Templar.template() handles it — backslashes inside
   * `{{ }}` string literals are literal (Ansible's escape pre-pass), text without `{{`/`{%`/`{#`
   * is returned untouched. 'file': a template file, as the template module renders it.
   */
  mode?: 'value' | 'file';
  /** template module options (Ansible defaults: trim_blocks true, lstrip_blocks false) */
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  /** the environment (filters, tests, globals, hooks); the default one otherwise */
  env?: Environment;
}

interface Core {
  root: ExecFn;
  used: Used;
  source: string;
  /** the single-variable shortcut's name (`{{ name }}`), when the text is just that */
  singleVar?: string;
  possiblyTemplate: boolean;
  mode: 'value' | 'file';
  env: Environment;
}

const MAX_CACHE = 20_000;
const cache = new Map<string, Core | SyntaxFailure>();

/** What a compiled template uses (validate checks the names against what the play defines). */
export interface UsedNames {
  filters: string[];
  tests: string[];
  variables: string[];
}

/** A compiled template bound to its origin (for error positions). */
export class CompiledTemplate {
  constructor(
    private readonly core: Core,
    readonly origin?: Origin,
  ) {}

  /** The template text as given. */
  get source(): string {
    return this.core.source;
  }

  /** Render to text. Throws JinjaRuntimeError (with file:line:col when the origin has a file). */
  render(scope: Scope): string {
    const c = this.core;
    if (c.mode === 'value' && !c.possiblyTemplate) return c.source;
    return this.keepNewlines(concatText(this.run(scope)));
  }

  /** Templar.template(): the value Ansible would give a task argument. */
  evaluate(scope: Scope): unknown {
    const c = this.core;
    if (!c.possiblyTemplate) return c.source;
    const rt = new Rt(c.env, scope, includer(c.env), true);
    if (c.singleVar !== undefined) {
      const v = rt.rawVariable(c.singleVar);
      if (isNumber(v) || v === null) return v;
    }
    const out = concatEval(this.run(scope, rt));
    return typeof out === 'string' ? this.keepNewlines(out) : out;
  }

  /** @internal the compiled body, for {% include %} */
  rootFn(): ExecFn {
    return this.core.root;
  }

  /** Names used, for validate-time checks. */
  usedNames(): UsedNames {
    const u = this.core.used;
    return { filters: [...u.filters].sort(), tests: [...u.tests].sort(), variables: [...u.variables].sort() };
  }

  private run(scope: Scope, rt = new Rt(this.core.env, scope, includer(this.core.env))): unknown[] {
    const out: unknown[] = [];
    try {
      this.core.root(rt, new Frame(null), out);
    } catch (e) {
      if (e instanceof JinjaRuntimeError) throw e.locate(this.origin);
      if (e instanceof RangeError)
        throw new JinjaRuntimeError(`template too deep or too large: ${e.message}`);
      throw e;
    }
    return out;
  }

  private keepNewlines(s: string): string {
    const want = trailingNewlines(this.core.source);
    const have = trailingNewlines(s);
    return want > have ? s + '\n'.repeat(want - have) : s;
  }
}

function newCtx(env: Environment, src: string): StmtCtx {
  return {
    env,
    used: { filters: new Set(), tests: new Set(), variables: new Set() },
    locals: [new Set()],
    src,
    stringFilters: env.stringFilters,
  };
}

function buildCore(source: string, mode: 'value' | 'file', lex: LexOptions, env: Environment): Core {
  const { text, options } = jinjaOverrides(source, lex);
  let src = normalizeSource(text, options.keepTrailingNewline);
  let raw = tokenize(src, options);
  if (mode === 'value' && src.includes('\\') && src.includes('{{')) {
    src = escapeBackslashes(raw);
    raw = tokenize(src, options);
  }
  const body: Stmt[] = parseTemplate(
    toTokens(raw, () => false),
    src,
  );
  const ctx = newCtx(env, src);
  const root = compileBody(body, ctx);
  // Ansible's SINGLE_VAR regex; Python's `$` also matches before a final newline
  const single = /^\{\{\s*(\w*)\s*\}\}\n?$/.exec(source)?.[1];
  return {
    root,
    used: ctx.used,
    source,
    singleVar: single,
    possiblyTemplate: /\{\{|\{%|\{#/.test(source),
    mode,
    env,
  };
}

function includer(env: Environment): (name: string) => ExecFn | undefined {
  return (name) => {
    const t = env.hooks.loadTemplate?.(name);
    if (!t) return undefined;
    return compileTemplate(t.source, t.origin, { mode: 'file', env }).rootFn();
  };
}

/**
 * Compile a template text. Syntax errors, unknown filters and unknown tests throw
 * JinjaSyntaxError with the position mapped through `origin`.
 */
export function compileTemplate(
  source: string,
  origin?: Origin,
  opts: TemplateOptions = {},
): CompiledTemplate {
  const env = opts.env ?? defaultEnvironment();
  const mode = opts.mode ?? 'value';
  const lex: LexOptions = {
    trimBlocks: opts.trimBlocks ?? true,
    lstripBlocks: opts.lstripBlocks ?? false,
    keepTrailingNewline: false,
  };
  const key = `${env.id}\0${mode}\0${lex.trimBlocks ? 1 : 0}${lex.lstripBlocks ? 1 : 0}\0${source}`;
  let core = cache.get(key);
  if (!core) {
    try {
      core = buildCore(source, mode, lex, env);
    } catch (e) {
      if (!(e instanceof SyntaxFailure)) throw e;
      core = e;
    }
    if (cache.size >= MAX_CACHE) cache.clear();
    cache.set(key, core);
  }
  if (core instanceof SyntaxFailure) {
    const src = normalizeSource(source, false);
    const { line, col } = lineCol(src, core.pos);
    throw new JinjaSyntaxError(core.message, line, col, origin);
  }
  return new CompiledTemplate(core, origin);
}

/** A compiled bare expression (`when:`, `changed_when:`, `failed_when:`, `that:`). */
export class CompiledExpression {
  constructor(
    private readonly fn: EvalFn,
    private readonly used: Used,
    readonly source: string,
    private readonly env: Environment,
    readonly origin?: Origin,
  ) {}

  /** The expression's value. */
  evaluate(scope: Scope): unknown {
    const rt = new Rt(this.env, scope, includer(this.env));
    try {
      return this.fn(rt, new Frame(null));
    } catch (e) {
      if (e instanceof JinjaRuntimeError) {
        e.at(this.source, 1, 1);
        throw e.locate(this.origin);
      }
      throw e;
    }
  }

  /** Names used, for validate-time checks. */
  usedNames(): UsedNames {
    const u = this.used;
    return { filters: [...u.filters].sort(), tests: [...u.tests].sort(), variables: [...u.variables].sort() };
  }
}

const exprCache = new Map<string, { fn: EvalFn; used: Used } | SyntaxFailure>();
const PREFIX = '{% if ';

/**
 * Compile a bare expression as Ansible evaluates a conditional (`{% if EXPR %}`: no inline
 * if-else at the top level, Python literals, tests, filters).
 */
export function compileExpression(
  expr: string,
  origin?: Origin,
  opts: { env?: Environment } = {},
): CompiledExpression {
  const env = opts.env ?? defaultEnvironment();
  const key = `${env.id}\0${expr}`;
  let hit = exprCache.get(key);
  if (!hit) {
    try {
      const src = normalizeSource(`${PREFIX}${expr} %}`, false);
      const raw = tokenize(src, { trimBlocks: true, lstripBlocks: false, keepTrailingNewline: false });
      const inner = raw.slice(1, raw[raw.length - 1]?.type === 'block_end' ? -1 : undefined);
      if (raw[0]?.type !== 'block_begin' || raw[raw.length - 1]?.type !== 'block_end')
        throw new SyntaxFailure('the expression ends the statement early (it contains %})', PREFIX.length);
      const toks = toTokens(inner, () => false).filter((t, i) => !(i === 0 && t.raw === 'if'));
      const node = parseBareExpression(toks, src);
      const ctx: CompileCtx = newCtx(env, src);
      hit = { fn: compileExpr(node, ctx), used: ctx.used };
    } catch (e) {
      if (!(e instanceof SyntaxFailure)) throw e;
      hit = e;
    }
    if (exprCache.size >= MAX_CACHE) exprCache.clear();
    exprCache.set(key, hit);
  }
  if (hit instanceof SyntaxFailure) {
    const { line, col } = lineCol(expr, Math.max(0, hit.pos - PREFIX.length));
    throw new JinjaSyntaxError(hit.message, line, col, origin);
  }
  return new CompiledExpression(hit.fn, hit.used, expr, env, origin);
}
