/**
 * `debug`: print a message or a variable's value (`msg` or `var`), never changes anything.
 * The renderer shows `msg` after the host name, as Ansible does.
 */
import { lookupPath } from '../template/render.js';
import type { ModuleDef } from './types.js';

/** Parameters of `debug`. */
export interface DebugParams {
  msg?: unknown;
  var?: string;
  verbosity?: number;
}

/** The `debug` module. */
export const debugModule: ModuleDef<DebugParams> = {
  name: 'debug',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: { msg: {}, var: { type: 'string' }, verbosity: { type: 'integer', minimum: 0 } },
  },
  checkMode: 'full',
  diffMode: 'none',
  run(ctx) {
    const { msg, var: name } = ctx.params;
    if (name !== undefined) {
      const r = lookupPath(ctx.vars, name);
      const value = r.found ? r.value : 'VARIABLE IS NOT DEFINED!';
      return Promise.resolve({ changed: false, msg: `${name}: ${format(value)}`, data: { [name]: value } });
    }
    const text = msg === undefined ? 'Hello world!' : format(msg);
    return Promise.resolve({ changed: false, msg: text, data: { msg: msg ?? 'Hello world!' } });
  },
};

function format(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
