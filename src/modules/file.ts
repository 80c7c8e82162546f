/**
 * `file`: the state of a path on the host (file, directory, absent, touch, link) plus its mode and
 * ownership. One stat round trip to compare, one to change.
 */
import { shellQuote, type Connection } from '../connections/connection.js';
import { ModuleError } from '../errors.js';
import { stateDiff } from '../output/diff.js';
import { attributeCommands } from '../files/attributes.js';
import { modeText } from '../files/mode.js';
import { checkRemotePath } from '../files/path.js';
import { attributesDiffer, ownerSpec, statPath, type Attributes, type RemoteStat } from '../files/stat.js';
import { attributeSchema, checkParams, fileAttributes, type AttributeParams } from './lib/params.js';
import type { ModuleDef, ModuleResult } from './types.js';

/** Parameters of `file`. */
export interface FileParams extends AttributeParams {
  path: string;
  state?: 'file' | 'directory' | 'absent' | 'touch' | 'link';
  /** link target for `state: link` */
  src?: string;
  /** apply owner/group/mode to a directory's whole tree */
  recurse?: boolean;
}

function describe(st: RemoteStat): string {
  if (st.type === 'link') return `link -> ${st.linkTarget}`;
  if (st.type === 'absent') return 'absent';
  return `${st.type}${st.mode === undefined ? '' : ` mode ${modeText(st.mode)} ${st.owner}:${st.group}`}`;
}

/** Shell commands that bring the path to the wanted state (empty: nothing to do). */
function plan(p: FileParams, st: RemoteStat, a: Attributes, treeDiffers: boolean): string[] {
  const q = shellQuote(p.path);
  const state =
    p.state ??
    (st.type === 'absent'
      ? 'file'
      : st.type === 'link'
        ? 'link'
        : st.type === 'directory'
          ? 'directory'
          : 'file');
  const attrs = (force: boolean): string[] =>
    !force && !attributesDiffer(st, a) && !treeDiffers ? [] : attributeCommands(q, a, p.recurse);
  switch (state) {
    case 'absent':
      return st.type === 'absent' ? [] : [`rm -rf -- ${q}`];
    case 'directory':
      if (st.type === 'directory') return attrs(false);
      if (st.type !== 'absent')
        throw new ModuleError(`${p.path} exists and is a ${st.type}, not a directory`);
      return [`mkdir -p -- ${q}`, ...attrs(true)];
    case 'file':
      if (st.type === 'absent')
        throw new ModuleError(`file ${p.path} is absent, cannot continue (use state: touch to create it)`);
      if (st.type !== 'file') throw new ModuleError(`${p.path} is a ${st.type}, not a file`);
      return attrs(false);
    case 'touch':
      return [`touch -- ${q}`, ...attrs(st.type === 'absent')];
    case 'link': {
      if (!p.src) throw new ModuleError('state: link needs src (the link target)');
      if (st.type === 'link' && st.linkTarget === p.src) return [];
      if (st.type === 'directory')
        throw new ModuleError(`${p.path} is a directory, refusing to replace it by a link`);
      return [`ln -sfn -- ${shellQuote(p.src)} ${q}`];
    }
  }
}

/** With `recurse`: does anything below the directory differ? One `find` that stops at the first hit. */
async function treeDiffersOnHost(
  conn: Connection,
  path: string,
  a: Attributes,
  become: boolean,
): Promise<boolean> {
  const tests = [
    a.mode === undefined ? '' : `! -perm ${modeText(a.mode)}`,
    a.owner === undefined ? '' : `! -user ${shellQuote(a.owner)}`,
    a.group === undefined ? '' : `! -group ${shellQuote(a.group)}`,
  ].filter(Boolean);
  if (!tests.length) return false;
  const r = await conn.exec(`find ${shellQuote(path)} \\( ${tests.join(' -o ')} \\) -print -quit`, {
    become,
    shared: true,
  });
  if (r.code !== 0) throw new ModuleError(`${path}: ${r.stderr.trim() || `find exit ${r.code}`}`);
  return r.stdout.trim() !== '';
}

/** The `file` module. */
export const fileModule: ModuleDef<FileParams> = {
  name: 'file',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', minLength: 1 },
      state: { enum: ['file', 'directory', 'absent', 'touch', 'link'] },
      ...attributeSchema,
      src: { type: 'string', minLength: 1 },
      recurse: { type: 'boolean' },
    },
  },
  checkMode: 'full',
  diffMode: 'full',
  async run(ctx): Promise<ModuleResult> {
    const p = checkParams(fileModule, ctx);
    const a: Attributes = fileAttributes(p);
    checkRemotePath(p.path);
    // type and attributes only: hashing a large file here would be wasted work
    const st = await statPath(ctx.conn, p.path, { become: ctx.become, hash: false });
    const treeDiffers =
      p.recurse === true &&
      st.type === 'directory' &&
      (await treeDiffersOnHost(ctx.conn, p.path, a, ctx.become));
    const cmds = plan(p, st, a, treeDiffers);
    const changed = cmds.length > 0;
    const after = p.state === 'absent' ? 'absent' : p.state === 'link' ? `link -> ${p.src}` : undefined;
    const diff =
      ctx.diff && changed
        ? [stateDiff(p.path, describe(st), after ?? `${p.state ?? st.type} (changed)`)]
        : undefined;
    if (cmds.length && !ctx.check) {
      // a new directory: the driver's native mkdir does the same (mkdir -p, chown, chmod) in-process
      const native =
        p.state === 'directory' && st.type === 'absent' && !p.recurse
          ? {
              op: 'mkdir',
              args: [p.path, a.mode === undefined ? '' : modeText(a.mode), ownerSpec(a.owner, a.group)],
            }
          : undefined;
      const r = await ctx.conn.exec(cmds.join(' && '), { become: ctx.become, shared: true, native });
      if (r.code !== 0) throw new ModuleError(`${p.path}: ${r.stderr.trim() || `exit ${r.code}`}`);
    }
    return {
      changed,
      diff,
      data: { path: p.path, state: p.state ?? (st.type === 'absent' ? 'file' : st.type) },
    };
  },
};
