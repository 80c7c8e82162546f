/**
 * Managed blocks: the tool's part of a user's file lives between two marker lines; everything else in
 * the file is kept as it is. One editor for `blockinfile` (Ansible's markers and insert rules) and
 * for the TLS site transaction (certfleet's markers, a block placed before an anchor line such as
 * `</Service>` in Tomcat's server.xml, strict about half blocks).
 */
import { ModuleError } from '../errors.js';
import { insertLines, joinLines, splitLines, type TextLines } from './lines.js';

/** Where a new block goes: after the last line matching `after`, before the last matching `before`. */
export interface InsertAt {
  /** a regular expression, or `EOF` (the default) */
  after?: string;
  /** a regular expression, or `BOF` */
  before?: string;
}

/** What the block is and how to find and place it. */
export interface BlockSpec {
  begin: string;
  end: string;
  /** the block's lines; undefined removes the block */
  body: string[] | undefined;
  insert?: InsertAt;
  /**
   * certfleet's own blocks: markers may be indented, a BEGIN without END and an anchor that matches
   * no line are errors (Ansible's blockinfile inserts a new block at the end instead)
   */
  strict?: boolean;
  /** the file, for messages */
  where?: string;
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

/**
 * Index at which new lines go given insertafter/insertbefore (the last match wins, like Ansible);
 * -1 when `strict` and no line matches.
 */
export function insertIndex(lines: string[], at: InsertAt, strict = false): number {
  if (at.before !== undefined) {
    if (at.before === 'BOF') return 0;
    const re = userRegExp(at.before, 'insertbefore');
    const i = lines.findLastIndex((l) => re.test(l));
    return i >= 0 ? i : strict ? -1 : lines.length;
  }
  if (at.after !== undefined && at.after !== 'EOF') {
    const re = userRegExp(at.after, 'insertafter');
    const i = lines.findLastIndex((l) => re.test(l));
    return i >= 0 ? i + 1 : strict ? -1 : lines.length;
  }
  return lines.length;
}

/** What setBlock did. */
export type BlockAction = 'unchanged' | 'inserted' | 'updated' | 'removed';

/** The text with the block set to `spec.body` (or removed). */
export function setBlock(t: TextLines, spec: BlockSpec): { text: TextLines; action: BlockAction } {
  const same = (l: string, m: string) => (spec.strict ? l.trim() === m.trim() : l.trimEnd() === m);
  const b = t.lines.findIndex((l) => same(l, spec.begin));
  const e = b >= 0 ? t.lines.findIndex((l, i) => i > b && same(l, spec.end)) : -1;
  if (spec.strict && b >= 0 && e < 0)
    throw new ModuleError(`${spec.where ?? 'file'}: marker "${spec.begin}" has no matching "${spec.end}"`);
  const wanted = spec.body === undefined ? [] : [spec.begin, ...spec.body, spec.end];
  let text: TextLines;
  if (b >= 0 && e >= 0) {
    const lines = [...t.lines.slice(0, b), ...wanted, ...t.lines.slice(e + 1)];
    text = { lines, eol: t.eol || (e + 1 >= t.lines.length && wanted.length > 0) };
  } else if (wanted.length) {
    const at = insertIndex(t.lines, spec.insert ?? {}, spec.strict);
    if (at < 0)
      throw new ModuleError(
        `${spec.where ?? 'file'}: no line matches insert_before /${spec.insert?.before ?? spec.insert?.after}/`,
      );
    text = insertLines(t, at, wanted);
  } else text = t;
  const unchanged =
    text.eol === t.eol &&
    text.lines.length === t.lines.length &&
    text.lines.every((l, i) => l === t.lines[i]);
  const action: BlockAction = unchanged
    ? 'unchanged'
    : !wanted.length
      ? 'removed'
      : b >= 0 && e >= 0
        ? 'updated'
        : 'inserted';
  return { text, action };
}

/** certfleet's default marker, fit for files where `#` starts a comment. */
export const DEFAULT_MARKER = '# {mark} CERTFLEET MANAGED BLOCK';

/** A certfleet block in a text: `content` between the markers, placed before `insertBefore` if new. */
export interface TextBlock {
  content: string;
  /** contains `{mark}`, replaced by BEGIN / END */
  marker?: string;
  /** regular expression of the line the block goes before when it is new (else: appended) */
  insertBefore?: string;
}

/** The text with certfleet's block set to `spec.content` (the same text when it already is). */
export function setManagedBlock(text: string, spec: TextBlock, where = 'file'): string {
  const marker = spec.marker ?? DEFAULT_MARKER;
  const body = spec.content === '' ? [] : spec.content.replace(/\n$/, '').split('\n');
  const r = setBlock(splitLines(text), {
    begin: marker.replace('{mark}', 'BEGIN'),
    end: marker.replace('{mark}', 'END'),
    body,
    insert: spec.insertBefore === undefined ? {} : { before: spec.insertBefore },
    strict: true,
    where,
  });
  return r.action === 'unchanged' ? text : joinLines(r.text);
}
