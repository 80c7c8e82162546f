/**
 * What a template may call: macros, the whitelisted Python methods of str/list/dict, globals
 * (range, dict, lookup, ...). Plain JS functions found in the variables are never callable, so a
 * template cannot reach JS internals through data.
 */
import { JinjaRuntimeError } from './errors.js';

/** Keyword arguments (a null-prototype record: no inherited keys). */
export type Kwargs = Record<string, unknown>;

/** Per-render services a callable may need (the render state implements it). */
export interface CallContext {
  /** mark an object as created by this render (mutating methods accept only those) */
  own<T>(v: T): T;
  owns(v: unknown): boolean;
}

/** A callable value. */
export class PyCallable {
  readonly pyType = 'function';
  constructor(
    readonly name: string,
    readonly fn: (args: unknown[], kwargs: Kwargs, ctx: CallContext) => unknown,
  ) {}
}

/** A new empty kwargs record. */
export function kwargs(entries: Iterable<[string, unknown]> = []): Kwargs {
  const k = Object.create(null) as Kwargs;
  for (const [n, v] of entries) k[n] = v;
  return k;
}

/**
 * Bind positional and keyword arguments to parameter names with defaults (Python's rules):
 * returns the values in parameter order; `undefined` marks "not given" for optional ones.
 */
export function bindArgs(
  fname: string,
  names: string[],
  required: number,
  args: unknown[],
  kw: Kwargs,
): unknown[] {
  if (args.length > names.length)
    throw new JinjaRuntimeError(
      `${fname}() takes at most ${names.length} positional arguments (${args.length} given)`,
    );
  const out: unknown[] = names.map((_n, i) => (i < args.length ? args[i] : undefined));
  for (const k of Object.keys(kw)) {
    const i = names.indexOf(k);
    if (i < 0) throw new JinjaRuntimeError(`${fname}() got an unexpected keyword argument '${k}'`);
    if (i < args.length) throw new JinjaRuntimeError(`${fname}() got multiple values for argument '${k}'`);
    out[i] = kw[k];
  }
  for (let i = 0; i < required; i++)
    if (out[i] === undefined)
      throw new JinjaRuntimeError(`${fname}() missing required argument '${names[i]}'`);
  return out;
}
