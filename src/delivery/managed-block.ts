/**
 * Managed blocks: certfleet's part of a user's file lives between two marker lines; everything else
 * in the file is kept byte for byte. A block that is not there yet is inserted before an anchor line
 * (e.g. `</Service>` in Tomcat's server.xml) or appended.
 */
import { ModuleError } from '../errors.js';

/** Where and what. `marker` contains `{mark}`, replaced by BEGIN / END. */
export interface BlockSpec {
  content: string;
  marker?: string;
  /** regular expression of the line the block goes before when it is new */
  insertBefore?: string;
}

/** Default marker, fit for files where `#` starts a comment. */
export const DEFAULT_MARKER = '# {mark} CERTFLEET MANAGED BLOCK';

/** The file text with the block set to `spec.content` (unchanged text when it already is). */
export function setManagedBlock(text: string, spec: BlockSpec, where = 'file'): string {
  const marker = spec.marker ?? DEFAULT_MARKER;
  const begin = marker.replace('{mark}', 'BEGIN');
  const end = marker.replace('{mark}', 'END');
  const body = spec.content.endsWith('\n') || spec.content === '' ? spec.content : `${spec.content}\n`;
  const block = `${begin}\n${body}${end}\n`;
  const lines = text.split('\n');
  const b = lines.findIndex((l) => l.trim() === begin);
  const e = lines.findIndex((l, i) => i > b && l.trim() === end);
  if (b >= 0 && e < 0) throw new ModuleError(`${where}: marker "${begin}" has no matching "${end}"`);
  if (b >= 0) {
    const before = lines.slice(0, b).join('\n');
    const after = lines.slice(e + 1).join('\n');
    return `${before}${b > 0 ? '\n' : ''}${block}${after}`;
  }
  if (spec.insertBefore !== undefined) {
    const re = new RegExp(spec.insertBefore);
    const at = lines.findIndex((l) => re.test(l));
    if (at < 0) throw new ModuleError(`${where}: no line matches insert_before /${spec.insertBefore}/`);
    return [...lines.slice(0, at), block.slice(0, -1), ...lines.slice(at)].join('\n');
  }
  const base = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  return base + block;
}
