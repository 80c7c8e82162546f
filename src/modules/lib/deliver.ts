/**
 * The one path by which copy and template put content on a host [ans template → copy]: compare the
 * sha256 on the host (one round trip), send the bytes only when they differ, write atomically,
 * fix attributes otherwise, and build the diff without ever showing key material.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { ModuleError } from '../../errors.js';
import { looksLikePrivateKey, unifiedDiff } from '../../output/diff.js';
import type { FileDiff } from '../../output/diff.js';
import type { ModuleContext, ModuleResult } from '../types.js';
import { attributeSchema, fileAttributes, type AttributeParams } from './params.js';
import { setAttributes } from '../../files/attributes.js';
import { attributesDiffer, statPath, type Attributes } from '../../files/stat.js';
import { keepOwner, writeFile } from '../../files/write.js';

/** The parameters copy and template share: where the content goes and how. */
export interface DeliverParams extends AttributeParams {
  dest: string;
  backup?: boolean;
  force?: boolean;
}

/** JSON Schema properties of DeliverParams. */
export const deliverSchema = {
  dest: { type: 'string', minLength: 1 },
  ...attributeSchema,
  backup: { type: 'boolean' },
  force: { type: 'boolean' },
} as const;

/** deliver's options from the shared parameters, for `content`. */
export function deliveryOf(p: DeliverParams, content: Buffer): Delivery {
  return { dest: p.dest, content, ...fileAttributes(p), backup: p.backup, force: p.force };
}

/** What to deliver where. */
export interface Delivery extends Attributes {
  dest: string;
  content: Buffer;
  /** basename used when `dest` is a directory (copy's `src` name) */
  srcName?: string;
  backup?: boolean;
  /** false: never replace an existing file (Ansible `force: no`) */
  force?: boolean;
  /** the content came from a secret parameter: never diffed */
  secret?: boolean;
}

const MAX_DIFF_BYTES = 256 * 1024;

function isText(b: Buffer): boolean {
  return b.length <= MAX_DIFF_BYTES && !b.includes(0);
}

/** Copy `d.content` to `d.dest` on `ctx.conn` with copy's semantics; returns the module result. */
export async function deliver(ctx: ModuleContext<unknown>, d: Delivery): Promise<ModuleResult> {
  const endsWithSlash = d.dest.endsWith('/');
  if (endsWithSlash && !d.srcName)
    throw new ModuleError(`dest ${d.dest} is a directory: give src, or a file name in dest`);
  const dest = endsWithSlash ? posix.join(d.dest, d.srcName!) : d.dest;
  const st = await statPath(ctx.conn, dest, {
    become: ctx.become,
    intoDir: endsWithSlash ? undefined : d.srcName,
  });
  if (st.type === 'directory') throw new ModuleError(`dest ${st.path} is a directory`);
  if (st.type === 'other') throw new ModuleError(`dest ${st.path} exists and is not a regular file`);
  const sha256 = createHash('sha256').update(d.content).digest('hex');
  const exists = st.type === 'file' || st.type === 'link';
  const contentChanged = st.sha256 !== sha256 && !(exists && d.force === false);
  const attrs: Attributes = { mode: d.mode, owner: d.owner, group: d.group };
  const attrsChanged = !contentChanged && st.type === 'file' && attributesDiffer(st, attrs);
  const changed = contentChanged || attrsChanged;
  const data: Record<string, unknown> = { dest: st.path, checksum: sha256, size: d.content.length };

  let diff: FileDiff[] | undefined;
  if (ctx.diff && contentChanged) diff = [await contentDiff(ctx, st.path, exists, d)];
  if (ctx.diff && attrsChanged) diff = [attrDiff(st.path, st.mode, d.mode)];

  if (changed && !ctx.check) {
    if (contentChanged) {
      const old = st.type === 'file' ? st : undefined;
      const { backupFile } = await writeFile(
        ctx.conn,
        {
          path: st.path,
          content: d.content,
          mode: attrs.mode ?? old?.mode ?? 0o644,
          owner: attrs.owner,
          group: attrs.group,
          keep: keepOwner(old, attrs),
        },
        { backup: d.backup, become: ctx.become },
      );
      if (backupFile) data.backup_file = backupFile;
    } else await setAttributes(ctx.conn, st.path, attrs, ctx.become);
  }
  const msg = !changed
    ? undefined
    : contentChanged
      ? exists
        ? 'content updated'
        : 'file created'
      : 'attributes updated';
  return { changed, msg, diff, data };
}

async function contentDiff(
  ctx: ModuleContext<unknown>,
  path: string,
  exists: boolean,
  d: Delivery,
): Promise<FileDiff> {
  const after = d.content;
  if (d.secret) return unifiedDiff(path, '', '', 'secret');
  // A key is never fetched just to be hidden: decide from the new content and the name first.
  if (looksLikePrivateKey(after.toString('latin1')) || /\.key$/.test(path))
    return unifiedDiff(path, '', '', 'key');
  const before = exists ? await ctx.conn.fetch(path, { become: ctx.become }) : Buffer.alloc(0);
  if (!isText(before) || !isText(after)) {
    const note = `(binary or larger than ${MAX_DIFF_BYTES} bytes: ${before.length} -> ${after.length} bytes)`;
    return { path, before: '', after: '', unified: `--- ${path} (before)\n+++ ${path} (after)\n${note}\n` };
  }
  return unifiedDiff(path, before.toString('utf8'), after.toString('utf8'));
}

function attrDiff(path: string, before?: number, after?: number): FileDiff {
  const b = before === undefined ? '' : `mode ${before.toString(8).padStart(4, '0')}\n`;
  const a = after === undefined ? b : `mode ${after.toString(8).padStart(4, '0')}\n`;
  return unifiedDiff(path, b, a);
}
