/**
 * Route53 keeps TXT values as quoted character-strings (`"abc"`, long values as `"a" "b"`); these
 * helpers convert between that form and plain values so sets can be merged value by value.
 */

/** `abc` → `"abc"` (quotes and backslashes escaped; >255-byte values split into strings). */
export function quoteTxt(value: string): string {
  const chunks = value.match(/[\s\S]{1,255}/g) ?? [''];
  return chunks.map((c) => `"${c.replace(/(["\\])/g, '\\$1')}"`).join(' ');
}

/** `"a" "b"` → `ab`; an unquoted value is returned as it is. */
export function unquoteTxt(text: string): string {
  const parts = [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, '$1'));
  return parts.length ? parts.join('') : text;
}
