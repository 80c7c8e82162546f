/**
 * `lineinfile`: make sure one line is present (replacing the last line matching `regexp`) or absent.
 * The edit is computed on the control node and written back atomically.
 */
import { ModuleError } from '../errors.js';
import { editFile, insertIndex, userRegExp } from './lib/edit-file.js';
import { checkParams, modeSchema, nameSchema, parseMode } from './lib/params.js';
import type { ModuleDef } from './types.js';

/** Parameters of `lineinfile`. */
export interface LineInFileParams {
  path: string;
  line?: string;
  regexp?: string;
  state?: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
  create?: boolean;
  backup?: boolean;
  mode?: string | number;
  owner?: string | number;
  group?: string | number;
}

function present(lines: string[], p: LineInFileParams & { line: string }): { lines: string[]; msg: string } {
  const re = p.regexp === undefined ? undefined : userRegExp(p.regexp, 'regexp');
  const hit = re ? lines.findLastIndex((l) => re.test(l)) : -1;
  if (hit >= 0) {
    if (lines[hit] === p.line) return { lines, msg: '' };
    const out = [...lines];
    out[hit] = p.line;
    return { lines: out, msg: 'line replaced' };
  }
  // No regexp match: an identical line already present means nothing to do [ans lineinfile].
  if (lines.includes(p.line)) return { lines, msg: '' };
  const out = [...lines];
  out.splice(insertIndex(lines, p), 0, p.line);
  return { lines: out, msg: 'line added' };
}

function absent(lines: string[], p: LineInFileParams): { lines: string[]; msg: string } {
  const re = p.regexp === undefined ? undefined : userRegExp(p.regexp, 'regexp');
  const out = lines.filter((l) => (re ? !re.test(l) : l !== p.line));
  const n = lines.length - out.length;
  return { lines: out, msg: n ? `${n} line(s) removed` : '' };
}

/** The `lineinfile` module. */
export const lineinfileModule: ModuleDef<LineInFileParams> = {
  name: 'lineinfile',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', minLength: 1 },
      line: { type: 'string' },
      regexp: { type: 'string', minLength: 1 },
      state: { enum: ['present', 'absent'] },
      insertafter: { type: 'string', minLength: 1 },
      insertbefore: { type: 'string', minLength: 1 },
      create: { type: 'boolean' },
      backup: { type: 'boolean' },
      mode: modeSchema,
      owner: nameSchema,
      group: nameSchema,
    },
  },
  checkMode: 'full',
  diffMode: 'full',
  async run(ctx) {
    const p = checkParams(lineinfileModule, ctx);
    const state = p.state ?? 'present';
    if (p.insertafter !== undefined && p.insertbefore !== undefined)
      throw new ModuleError('insertafter and insertbefore are mutually exclusive');
    if (state === 'present' && p.line === undefined) throw new ModuleError('state: present needs line');
    if (state === 'absent' && p.line === undefined && p.regexp === undefined)
      throw new ModuleError('state: absent needs line or regexp');
    if (p.line?.includes('\n'))
      throw new ModuleError('line must be a single line (use blockinfile for several)');
    const opts = {
      create: state === 'present' && p.create,
      backup: p.backup,
      absentOk: state === 'absent',
      mode: parseMode(p.mode),
      owner: p.owner === undefined ? undefined : String(p.owner),
      group: p.group === undefined ? undefined : String(p.group),
    };
    return editFile(ctx, p.path, opts, (lines) =>
      state === 'present' ? present(lines, { ...p, line: p.line! }) : absent(lines, p),
    );
  },
};
