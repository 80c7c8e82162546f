/**
 * Shared body of lineinfile and blockinfile: read the file (stat + bytes, one round trip), compute
 * the edit on the control node, diff, and write it back atomically keeping mode and owner.
 */
import { setAttributes } from '../../files/attributes.js';
import { joinLines, splitLines, type TextLines } from '../../files/lines.js';
import { readRemoteFile } from '../../files/read.js';
import { attributesDiffer, type Attributes } from '../../files/stat.js';
import { keepOwner, writeFile } from '../../files/write.js';
import { ModuleError } from '../../errors.js';
import { unifiedDiff } from '../../output/diff.js';
import type { ModuleContext, ModuleResult } from '../types.js';
import { attributeSchema, fileAttributes, type AttributeParams } from './params.js';

/** Parameters lineinfile and blockinfile share: the file, where to insert, creation, attributes. */
export interface EditParams extends AttributeParams {
  path: string;
  state?: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
  create?: boolean;
  backup?: boolean;
}

/** JSON Schema properties of EditParams (each module adds its own). */
export const editParamsSchema = {
  path: { type: 'string', minLength: 1 },
  state: { enum: ['present', 'absent'] },
  insertafter: { type: 'string', minLength: 1 },
  insertbefore: { type: 'string', minLength: 1 },
  create: { type: 'boolean' },
  backup: { type: 'boolean' },
  ...attributeSchema,
} as const;

/** editFile's options from the shared parameters (insertafter/insertbefore are exclusive). */
export function editOptions(p: EditParams): Parameters<typeof editFile>[2] {
  if (p.insertafter !== undefined && p.insertbefore !== undefined)
    throw new ModuleError('insertafter and insertbefore are mutually exclusive');
  const absent = p.state === 'absent';
  return {
    create: !absent && p.create,
    backup: p.backup,
    absentOk: absent,
    ...fileAttributes(p),
  };
}

/** Edit `path` with `edit(text)`; `create` allows a missing file (edited as empty). */
export async function editFile(
  ctx: ModuleContext<unknown>,
  path: string,
  opts: Attributes & { create?: boolean; backup?: boolean; absentOk?: boolean },
  edit: (text: TextLines) => { text: TextLines; msg: string },
): Promise<ModuleResult> {
  const { stat, text } = await readRemoteFile(ctx.conn, path, ctx.become);
  if (stat.type !== 'file' && stat.type !== 'absent')
    throw new ModuleError(`${path} is a ${stat.type}, not a regular file`);
  if (stat.type === 'absent' && opts.absentOk)
    return { changed: false, msg: `${path} does not exist`, data: { path } };
  if (stat.type === 'absent' && !opts.create)
    throw new ModuleError(`${path} does not exist (use create: true to create it)`);
  const before = text ?? '';
  const { text: out, msg } = edit(splitLines(before));
  const after = joinLines(out);
  const contentChanged = after !== before || stat.type === 'absent';
  const attrs: Attributes = { mode: opts.mode, owner: opts.owner, group: opts.group };
  const attrsChanged = !contentChanged && attributesDiffer(stat, attrs);
  const changed = contentChanged || attrsChanged;
  const data: Record<string, unknown> = { path };
  if (changed && !ctx.check) {
    if (contentChanged) {
      const { backupFile } = await writeFile(
        ctx.conn,
        {
          path,
          content: after,
          mode: attrs.mode ?? (stat.type === 'file' ? stat.mode! : 0o644),
          owner: attrs.owner,
          group: attrs.group,
          keep: keepOwner(stat, attrs),
        },
        { backup: opts.backup, become: ctx.become },
      );
      if (backupFile) data.backup_file = backupFile;
    } else await setAttributes(ctx.conn, path, attrs, ctx.become);
  }
  return {
    changed,
    msg: contentChanged ? msg : attrsChanged ? 'attributes updated' : undefined,
    diff: ctx.diff && contentChanged ? [unifiedDiff(path, before, after)] : undefined,
    data,
  };
}
