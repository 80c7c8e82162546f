/**
 * `fail`: fail the host with a message (usually under `when`).
 */
import { ModuleError } from '../errors.js';
import type { ModuleDef } from './types.js';

/** Parameters of `fail`. */
export interface FailParams {
  msg?: string;
}

/** The `fail` module. */
export const failModule: ModuleDef<FailParams> = {
  name: 'fail',
  schema: { type: 'object', additionalProperties: false, properties: { msg: { type: 'string' } } },
  checkMode: 'full',
  diffMode: 'none',
  run(ctx) {
    return Promise.reject(new ModuleError(ctx.params.msg ?? 'Failed as requested from task'));
  },
};
