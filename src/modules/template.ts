/**
 * `template`: render a handlebars file from the template search path on the control node with the
 * task's variables, then deliver it exactly as `copy` does (checksum on the host, atomic write).
 */
import { ModuleError, messageOf } from '../errors.js';
import { deliver } from './lib/deliver.js';
import { checkParams, fileAttributes, modeSchema, nameSchema } from './lib/params.js';
import { readSource } from './lib/search.js';
import type { ModuleDef } from './types.js';

/** Parameters of `template`. */
export interface TemplateParams {
  src: string;
  dest: string;
  mode?: string | number;
  owner?: string | number;
  group?: string | number;
  backup?: boolean;
  force?: boolean;
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
      dest: { type: 'string', minLength: 1 },
      mode: modeSchema,
      owner: nameSchema,
      group: nameSchema,
      backup: { type: 'boolean' },
      force: { type: 'boolean' },
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
    return deliver(ctx, {
      dest: p.dest,
      content: Buffer.from(text, 'utf8'),
      ...fileAttributes(p),
      backup: p.backup,
      force: p.force,
    });
  },
};
