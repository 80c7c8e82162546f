/**
 * Remote paths are exact: whatever bytes they hold (spaces, quotes, `%`, newlines) they travel as
 * shell-quoted words or %-escaped op arguments and come back NUL-framed, so a name can never be read
 * as two. The one thing a POSIX path cannot hold is NUL; a string that is not valid Unicode cannot be
 * sent as the bytes the user meant either. Both are bad input, refused before anything runs.
 */
import { ModuleError } from '../errors.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Throw a clear error for a path the host cannot represent; return it unchanged otherwise. */
export function checkRemotePath(path: string, what = 'path'): string {
  if (path === '') throw new ModuleError(`${what} is empty`);
  if (path.includes('\0')) throw new ModuleError(`${what} ${JSON.stringify(path)} contains a NUL byte`);
  if (LONE_SURROGATE.test(path))
    throw new ModuleError(`${what} ${JSON.stringify(path)} is not valid Unicode (a lone surrogate)`);
  return path;
}

/** The directory part of a path (`/` for `/x`, `.` for `x`). */
export function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i);
}
