/**
 * `assert`: fail the host unless every expression in `that` holds (same evaluator as `when`).
 */
import { evaluateAll } from '../template/condition.js';
import { ModuleError } from '../errors.js';
import type { ModuleDef } from './types.js';

/** Parameters of `assert`. */
export interface AssertParams {
  that: string | boolean | (string | boolean)[];
  fail_msg?: string;
  msg?: string;
  success_msg?: string;
  quiet?: boolean;
}

/** The `assert` module. */
export const assertModule: ModuleDef<AssertParams> = {
  name: 'assert',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['that'],
    properties: {
      that: {
        anyOf: [{ type: ['string', 'boolean'] }, { type: 'array', items: { type: ['string', 'boolean'] } }],
      },
      fail_msg: { type: 'string' },
      msg: { type: 'string' },
      success_msg: { type: 'string' },
      quiet: { type: 'boolean' },
    },
  },
  checkMode: 'full',
  diffMode: 'none',
  run(ctx) {
    const p = ctx.params;
    const list = Array.isArray(p.that) ? p.that : [p.that];
    for (const cond of list) {
      if (!evaluateAll([cond], ctx.vars)) {
        throw new ModuleError(p.fail_msg ?? p.msg ?? `Assertion failed: ${String(cond)}`, {
          data: { assertion: cond, evaluated_to: false },
        });
      }
    }
    return Promise.resolve({
      changed: false,
      msg: p.quiet ? undefined : (p.success_msg ?? 'All assertions passed'),
    });
  },
};
