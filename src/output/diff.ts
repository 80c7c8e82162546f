/**
 * Unified diffs of file contents for `--diff` (copy, template, lineinfile, blockinfile). Key material
 * never appears in a diff: a private key on either side replaces the whole diff by a notice.
 */
import { createTwoFilesPatch } from 'diff';

/** A unified diff of one file, never containing key material. */
export interface FileDiff {
  path: string;
  before: string;
  after: string;
  /** unified diff text (`--- before\n+++ after\n@@ ...`) */
  unified: string;
}

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** True when the text holds a PEM private key (never shown in a diff, a result or a log). */
export function looksLikePrivateKey(text: string): boolean {
  return PRIVATE_KEY.test(text);
}

/** Placeholder shown instead of a hidden side of a diff. */
export const HIDDEN_PRIVATE_KEY = '(diff hidden: private key)';
/** Placeholder for content the module marked secret. */
export const HIDDEN_SECRET = '(diff hidden: secret)';

/**
 * The unified diff of one file. `before` is '' for a new file. With `hide` (or when either side is a
 * private key) both sides and the patch are replaced by a notice: `'key'` when the caller already
 * knows the file is a key and has not fetched it.
 */
export function unifiedDiff(path: string, before: string, after: string, hide?: 'secret' | 'key'): FileDiff {
  const notice =
    hide === 'secret'
      ? HIDDEN_SECRET
      : hide === 'key' || looksLikePrivateKey(before) || looksLikePrivateKey(after)
        ? HIDDEN_PRIVATE_KEY
        : undefined;
  if (notice)
    return {
      path,
      before: notice,
      after: notice,
      unified: `--- ${path} (before)\n+++ ${path} (after)\n${notice}\n`,
    };
  const unified = createTwoFilesPatch(
    `${path} (before)`,
    `${path} (after)`,
    before,
    after,
    undefined,
    undefined,
    {
      context: 3,
    },
  )
    // drop the `====` header line createTwoFilesPatch puts first; keep `---`/`+++`/`@@` as in diff -u
    .replace(/^=+\n/, '');
  return { path, before, after, unified };
}

/** A diff that only says a state changed (file created as directory, link retargeted, mode...). */
export function stateDiff(path: string, before: string, after: string): FileDiff {
  return {
    path,
    before,
    after,
    unified: `--- ${path} (before)\n+++ ${path} (after)\n-${before}\n+${after}\n`,
  };
}
