/**
 * `template`: render a handlebars file from the template search path on the control node with the
 * task's variables, then deliver it exactly as `copy` does (checksum on the host, atomic write).
 */
import { ModuleError, messageOf } from '../errors.js';
import { deliver, deliverSchema, deliveryOf, type DeliverParams } from './lib/deliver.js';
import { checkParams } from './lib/params.js';
import { readSource } from './lib/search.js';
import type { ModuleDef } from './types.js';

/** Parameters of `template`. */
export interface TemplateParams extends DeliverParams {
  src: string;
}

/** The `template` module. */
export const templateModule: ModuleDef<TemplateParams> = {
  name: 'template',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', minLength: 1 },
      ...deliverSchema,
    },
  },
  checkMode: 'full',
  diffMode: 'full',
  async run(ctx) {
    const p = checkParams(templateModule, ctx);
    const source = readSource(p.src, ctx.searchPaths.templates, ctx.playbookDir);
    let text: string;
    try {
      text = ctx.render(source.content.toString('utf8'));
    } catch (err) {
      throw new ModuleError(`cannot render template ${source.path}: ${messageOf(err)}`, { cause: err });
    }
    return deliver(ctx, deliveryOf(p, Buffer.from(text, 'utf8')));
  },
};
