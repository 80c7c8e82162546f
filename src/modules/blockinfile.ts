/**
 * `blockinfile`: a block of lines between marker lines, inserted, replaced or removed. The default
 * marker is Ansible's (`# {mark} ANSIBLE MANAGED BLOCK`) so that Ansible playbooks run unchanged and
 * blocks written by either tool are recognised by the other.
 */
import type { TextLines } from '../files/lines.js';
import { setBlock } from '../files/managed-block.js';
import { ModuleError } from '../errors.js';
import { editFile, editOptions, editParamsSchema, type EditParams } from './lib/edit-file.js';
import { checkParams } from './lib/params.js';
import type { ModuleDef } from './types.js';

/** Parameters of `blockinfile`. */
export interface BlockInFileParams extends EditParams {
  block?: string;
  marker?: string;
  marker_begin?: string;
  marker_end?: string;
}

const MESSAGES = {
  unchanged: '',
  inserted: 'block inserted',
  updated: 'block updated',
  removed: 'block removed',
};

/** Replace, insert or remove the marked block in a text. */
export function applyTextBlock(t: TextLines, p: BlockInFileParams): { text: TextLines; msg: string } {
  const marker = p.marker ?? '# {mark} ANSIBLE MANAGED BLOCK';
  const block = (p.block ?? '').replace(/\n$/, '');
  const r = setBlock(t, {
    begin: marker.replace('{mark}', p.marker_begin ?? 'BEGIN'),
    end: marker.replace('{mark}', p.marker_end ?? 'END'),
    // An empty block means "no block" [ans blockinfile].
    body: p.state === 'absent' || block === '' ? undefined : block.split('\n'),
    insert: { after: p.insertafter, before: p.insertbefore },
  });
  return { text: r.text, msg: MESSAGES[r.action] };
}

/** The same on lines that all end with a newline. */
export function applyBlock(lines: string[], p: BlockInFileParams): { lines: string[]; msg: string } {
  const r = applyTextBlock({ lines, eol: true }, p);
  return { lines: r.text.lines, msg: r.msg };
}

/** The `blockinfile` module. */
export const blockinfileModule: ModuleDef<BlockInFileParams> = {
  name: 'blockinfile',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      ...editParamsSchema,
      block: { type: 'string' },
      marker: { type: 'string', minLength: 1 },
      marker_begin: { type: 'string', minLength: 1 },
      marker_end: { type: 'string', minLength: 1 },
    },
  },
  checkMode: 'full',
  diffMode: 'full',
  async run(ctx) {
    const p = checkParams(blockinfileModule, ctx);
    const opts = editOptions(p);
    if (p.marker !== undefined && !p.marker.includes('{mark}'))
      throw new ModuleError('marker must contain {mark}');
    return editFile(ctx, p.path, opts, (text) => applyTextBlock(text, p));
  },
};
