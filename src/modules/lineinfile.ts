/**
 * `lineinfile`: make sure one line is present (replacing the last line matching `regexp`) or absent.
 * The edit is computed on the control node and written back atomically.
 */
import { ModuleError } from '../errors.js';
import {
  editFile,
  editOptions,
  editParamsSchema,
  insertIndex,
  userRegExp,
  type EditParams,
} from './lib/edit-file.js';
import { checkParams } from './lib/params.js';
import type { ModuleDef } from './types.js';

/** Parameters of `lineinfile`. */
export interface LineInFileParams extends EditParams {
  line?: string;
  regexp?: string;
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
      ...editParamsSchema,
      line: { type: 'string' },
      regexp: { type: 'string', minLength: 1 },
    },
  },
  checkMode: 'full',
  diffMode: 'full',
  async run(ctx) {
    const p = checkParams(lineinfileModule, ctx);
    const state = p.state ?? 'present';
    const opts = editOptions(p);
    if (state === 'present' && p.line === undefined) throw new ModuleError('state: present needs line');
    if (state === 'absent' && p.line === undefined && p.regexp === undefined)
      throw new ModuleError('state: absent needs line or regexp');
    if (p.line?.includes('\n'))
      throw new ModuleError('line must be a single line (use blockinfile for several)');
    return editFile(ctx, p.path, opts, (lines) =>
      state === 'present' ? present(lines, { ...p, line: p.line! }) : absent(lines, p),
    );
  },
};
