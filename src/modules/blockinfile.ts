/**
 * `blockinfile`: a block of lines between marker lines, inserted, replaced or removed. The default
 * marker is Ansible's (`# {mark} ANSIBLE MANAGED BLOCK`) so that Ansible playbooks run unchanged and
 * blocks written by either tool are recognised by the other.
 */
import { ModuleError } from '../errors.js';
import { editFile, editOptions, editParamsSchema, insertIndex, type EditParams } from './lib/edit-file.js';
import { checkParams } from './lib/params.js';
import type { ModuleDef } from './types.js';

/** Parameters of `blockinfile`. */
export interface BlockInFileParams extends EditParams {
  block?: string;
  marker?: string;
  marker_begin?: string;
  marker_end?: string;
}

/** Replace, insert or remove the marked block in `lines`. */
export function applyBlock(lines: string[], p: BlockInFileParams): { lines: string[]; msg: string } {
  const marker = p.marker ?? '# {mark} ANSIBLE MANAGED BLOCK';
  const begin = marker.replace('{mark}', p.marker_begin ?? 'BEGIN');
  const end = marker.replace('{mark}', p.marker_end ?? 'END');
  const block = (p.block ?? '').replace(/\n$/, '');
  // An empty block means "no block" [ans blockinfile].
  const wanted = p.state === 'absent' || block === '' ? [] : [begin, ...block.split('\n'), end];
  const b = lines.findIndex((l) => l.trimEnd() === begin);
  const e = b >= 0 ? lines.findIndex((l, i) => i > b && l.trimEnd() === end) : -1;
  const out = [...lines];
  if (b >= 0 && e >= 0) out.splice(b, e - b + 1, ...wanted);
  else if (wanted.length) out.splice(insertIndex(lines, p), 0, ...wanted);
  const same = out.length === lines.length && out.every((l, i) => l === lines[i]);
  return {
    lines: out,
    msg: same ? '' : wanted.length ? (b >= 0 ? 'block updated' : 'block inserted') : 'block removed',
  };
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
    return editFile(ctx, p.path, opts, (lines) => applyBlock(lines, p));
  },
};
