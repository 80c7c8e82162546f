/**
 * `lineinfile`: make sure one line is present (replacing the last line matching `regexp`) or absent.
 * The edit is computed on the control node and written back atomically.
 */
import { insertLines, type TextLines } from '../files/lines.js';
import { insertIndex, userRegExp } from '../files/managed-block.js';
import { ModuleError } from '../errors.js';
import { editFile, editOptions, editParamsSchema, type EditParams } from './lib/edit-file.js';
import { checkParams } from './lib/params.js';
import type { ModuleDef } from './types.js';

/** Parameters of `lineinfile`. */
export interface LineInFileParams extends EditParams {
  line?: string;
  regexp?: string;
}

type Edit = { text: TextLines; msg: string };

function present(t: TextLines, p: LineInFileParams & { line: string }): Edit {
  const { lines } = t;
  const re = p.regexp === undefined ? undefined : userRegExp(p.regexp, 'regexp');
  const hit = re ? lines.findLastIndex((l) => re.test(l)) : -1;
  if (hit >= 0) {
    if (lines[hit] === p.line) return { text: t, msg: '' };
    const out = [...lines];
    out[hit] = p.line;
    return { text: { lines: out, eol: t.eol }, msg: 'line replaced' };
  }
  // No regexp match: an identical line already present means nothing to do [ans lineinfile].
  if (lines.includes(p.line)) return { text: t, msg: '' };
  const at = insertIndex(lines, { after: p.insertafter, before: p.insertbefore });
  return { text: insertLines(t, at, [p.line]), msg: 'line added' };
}

function absent(t: TextLines, p: LineInFileParams): Edit {
  const re = p.regexp === undefined ? undefined : userRegExp(p.regexp, 'regexp');
  const out = t.lines.filter((l) => (re ? !re.test(l) : l !== p.line));
  const n = t.lines.length - out.length;
  return { text: { lines: out, eol: t.eol }, msg: n ? `${n} line(s) removed` : '' };
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
    return editFile(ctx, p.path, opts, (text) =>
      state === 'present' ? present(text, { ...p, line: p.line! }) : absent(text, p),
    );
  },
};
