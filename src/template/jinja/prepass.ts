/**
 * What Ansible does to a template's text before Jinja sees it: the `#jinja2:` override header
 * (trim_blocks, lstrip_blocks, keep_trailing_newline, newline_sequence), and for playbook values
 * the backslash pre-pass — backslashes inside string literals of `{{ }}` are doubled, so
 * `'\.'` in a YAML string reaches the regex as `\.`.
 */
import type { LexOptions, RawToken } from './lexer.js';
import { SyntaxFailure } from './syntax-error.js';

const HEADER = '#jinja2:';

/** Apply a `#jinja2:` first line; returns the remaining text and the lexer options. */
export function jinjaOverrides(source: string, lex: LexOptions): { text: string; options: LexOptions } {
  if (!source.startsWith(HEADER)) return { text: source, options: lex };
  const eol = source.indexOf('\n');
  const line = source.slice(HEADER.length, eol < 0 ? undefined : eol);
  const options = { ...lex };
  for (const pair of line.split(',')) {
    const c = pair.indexOf(':');
    if (c < 0)
      throw new SyntaxFailure(
        `failed to parse jinja2 override '${pair.trim()}'. Did you use something different from colon as key-value separator?`,
        0,
      );
    const key = pair.slice(0, c).trim();
    const val = pair.slice(c + 1).trim();
    const b = val === 'True' ? true : val === 'False' ? false : undefined;
    if (key === 'trim_blocks' && b !== undefined) options.trimBlocks = b;
    else if (key === 'lstrip_blocks' && b !== undefined) options.lstripBlocks = b;
    else if (key === 'keep_trailing_newline' && b !== undefined) options.keepTrailingNewline = b;
    else throw new SyntaxFailure(`the #jinja2 override '${key}: ${val}' is not supported by certfleet`, 0);
  }
  // Ansible drops the header line (an override without a newline leaves `data[eol + 1:]` = all)
  return { text: eol < 0 ? source : source.slice(eol + 1), options };
}

/** Ansible's _escape_backslashes: rebuild the source with string literals in `{{ }}` doubled. */
export function escapeBackslashes(tokens: RawToken[]): string {
  let inVar = false;
  let out = '';
  for (const t of tokens) {
    if (t.type === 'variable_begin') inVar = true;
    else if (t.type === 'variable_end') inVar = false;
    out += inVar && t.type === 'string' ? t.value.replace(/\\/g, '\\\\') : t.value;
  }
  return out;
}
