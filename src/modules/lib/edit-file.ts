/**
 * Shared body of lineinfile and blockinfile: read the file (stat + bytes, one round trip), compute
 * the edit on the control node, diff, and write it back atomically keeping mode and owner.
 */
import { ModuleError } from '../../errors.js';
import { unifiedDiff } from '../../output/diff.js';
import type { ModuleContext, ModuleResult } from '../types.js';
import { attributeSchema, fileAttributes, type AttributeParams } from './params.js';
import { atomicWrite, attributesDiffer, remoteRead, setAttributes, type Attributes } from './remote-file.js';

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

/** Where a new line/block goes when its anchor is not found. */
export interface InsertAt {
  insertafter?: string;
  insertbefore?: string;
}

/** Edit `path` with `edit(lines)`; `create` allows a missing file (edited as empty). */
export async function editFile(
  ctx: ModuleContext<unknown>,
  path: string,
  opts: Attributes & { create?: boolean; backup?: boolean; absentOk?: boolean },
  edit: (lines: string[]) => { lines: string[]; msg: string },
): Promise<ModuleResult> {
  const { stat, text } = await remoteRead(ctx.conn, path, ctx.become);
  if (stat.type !== 'file' && stat.type !== 'absent')
    throw new ModuleError(`${path} is a ${stat.type}, not a regular file`);
  if (stat.type === 'absent' && opts.absentOk)
    return { changed: false, msg: `${path} does not exist`, data: { path } };
  if (stat.type === 'absent' && !opts.create)
    throw new ModuleError(`${path} does not exist (use create: true to create it)`);
  const before = text ?? '';
  const lines = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const { lines: out, msg } = edit(lines);
  const after = out.length ? `${out.join('\n')}\n` : '';
  const contentChanged = after !== before || stat.type === 'absent';
  const attrs: Attributes = { mode: opts.mode, owner: opts.owner, group: opts.group };
  const attrsChanged = !contentChanged && attributesDiffer(stat, attrs);
  const changed = contentChanged || attrsChanged;
  const data: Record<string, unknown> = { path };
  if (changed && !ctx.check) {
    if (contentChanged) {
      const { backupFile } = await atomicWrite(ctx.conn, path, after, {
        ...attrs,
        backup: opts.backup,
        become: ctx.become,
        existing: stat,
      });
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

/** Compile a user regexp with a clear error (Python and JS syntax agree on the common subset). */
export function userRegExp(source: string, param: string): RegExp {
  try {
    return new RegExp(source);
  } catch (err) {
    throw new ModuleError(
      `${param}: invalid regular expression ${JSON.stringify(source)}: ${(err as Error).message}`,
    );
  }
}

/** Index at which to insert given insertafter/insertbefore (last match wins, like Ansible). */
export function insertIndex(lines: string[], at: InsertAt): number {
  if (at.insertbefore !== undefined) {
    if (at.insertbefore === 'BOF') return 0;
    const re = userRegExp(at.insertbefore, 'insertbefore');
    const i = lines.findLastIndex((l) => re.test(l));
    return i >= 0 ? i : lines.length;
  }
  if (at.insertafter !== undefined && at.insertafter !== 'EOF') {
    const re = userRegExp(at.insertafter, 'insertafter');
    const i = lines.findLastIndex((l) => re.test(l));
    return i >= 0 ? i + 1 : lines.length;
  }
  return lines.length;
}
