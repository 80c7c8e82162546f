/**
 * The template's syntax tree, as Jinja's parser builds it. Every node keeps the offset of its
 * first token (`pos`) so runtime errors can name the expression and its line.
 */

/** Keyword arguments in source order. */
export type Kwargs = [string, Expr][];

/** A call's arguments: positional, keyword, `*args`, `**kwargs`. */
export interface Args {
  args: Expr[];
  kwargs: Kwargs;
  dynArgs?: Expr;
  dynKwargs?: Expr;
}

/** Expression nodes. */
export type Expr = { pos: number } & (
  | { t: 'const'; v: unknown }
  | { t: 'name'; name: string }
  | { t: 'list' | 'tuple'; items: Expr[] }
  | { t: 'dict'; items: [Expr, Expr][] }
  | { t: 'getattr'; obj: Expr; name: string }
  | { t: 'getitem'; obj: Expr; key: Expr }
  | { t: 'slice'; start?: Expr; stop?: Expr; step?: Expr }
  | ({ t: 'call'; fn: Expr } & Args)
  | ({ t: 'filter'; node: Expr | null; name: string } & Args)
  | ({ t: 'test'; node: Expr; name: string } & Args)
  | { t: 'bin'; op: string; a: Expr; b: Expr }
  | { t: 'and' | 'or'; a: Expr; b: Expr }
  | { t: 'not' | 'neg' | 'pos'; a: Expr }
  | { t: 'compare'; first: Expr; ops: [string, Expr][] }
  | { t: 'cond'; test: Expr; a: Expr; b?: Expr }
);

/** Assignment targets: a name, `ns.attr`, or a tuple of targets. */
export type Target =
  | { t: 'name'; name: string; pos: number }
  | { t: 'nsref'; name: string; attr: string; pos: number }
  | { t: 'tuple'; items: Target[]; pos: number };

/** A macro (or call block) parameter. */
export interface Param {
  name: string;
  default?: Expr;
}

/** Statement nodes. */
export type Stmt =
  | { t: 'data'; text: string }
  | { t: 'print'; expr: Expr; src: string; pos: number }
  | { t: 'if'; branches: [Expr, Stmt[]][]; else?: Stmt[]; pos: number }
  | {
      t: 'for';
      target: Target;
      iter: Expr;
      filter?: Expr;
      recursive: boolean;
      body: Stmt[];
      else?: Stmt[];
      src: string;
      pos: number;
    }
  | { t: 'set'; target: Target; expr: Expr; src: string; pos: number }
  | { t: 'setblock'; target: Target; filter?: Expr; body: Stmt[]; pos: number }
  | { t: 'macro'; name: string; params: Param[]; body: Stmt[]; pos: number }
  | { t: 'callblock'; call: Expr; params: Param[]; body: Stmt[]; pos: number }
  | { t: 'filterblock'; filter: Expr; body: Stmt[]; pos: number }
  | { t: 'with'; assigns: [Target, Expr][]; body: Stmt[]; pos: number }
  | { t: 'include'; template: Expr; ignoreMissing: boolean; withContext: boolean; pos: number };
