/**
 * `copy`: put a control-node file (`src`) or inline `content` on the host. The sha256 is compared on
 * the host and the bytes travel only when they differ; the write is atomic with the mode set first.
 */
import { basename } from 'node:path';
import { ModuleError } from '../errors.js';
import { deliver, deliverSchema, deliveryOf, type DeliverParams } from './lib/deliver.js';
import { checkParams } from './lib/params.js';
import { readSource } from './lib/search.js';
import type { ModuleDef } from './types.js';

/** Parameters of `copy`. */
export interface CopyParams extends DeliverParams {
  src?: string;
  content?: string;
}

/** The `copy` module. */
export const copyModule: ModuleDef<CopyParams> = {
  name: 'copy',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['dest'],
    properties: {
      src: { type: 'string', minLength: 1 },
      content: { type: 'string' },
      ...deliverSchema,
    },
  },
  checkMode: 'full',
  diffMode: 'full',
  async run(ctx) {
    const p = checkParams(copyModule, ctx);
    if ((p.src === undefined) === (p.content === undefined))
      throw new ModuleError('give exactly one of src or content');
    const source =
      p.src === undefined ? undefined : readSource(p.src, ctx.searchPaths.files, ctx.playbookDir);
    return deliver(ctx, {
      ...deliveryOf(p, source?.content ?? Buffer.from(p.content!, 'utf8')),
      srcName: p.src === undefined ? undefined : basename(p.src),
    });
  },
};
