/**
 * Finding `src:` files on the control node: absolute paths as given, relative ones in the search
 * path (role `files/` or `templates/`, then the playbook's, then the playbook directory) like Ansible.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ModuleError } from '../../errors.js';

// One task looks up the same source for every host: find it once (the search walks several
// directories), then read it each time — content is never cached, only where it is.
const where = new Map<string, string>();

/** Read a control-node file for copy/template; a missing file lists where it was looked for. */
export function readSource(
  src: string,
  searchPaths: string[],
  playbookDir: string,
): { path: string; content: Buffer } {
  const key = `${src}\0${searchPaths.join('\0')}\0${playbookDir}`;
  const known = where.get(key);
  if (known) {
    try {
      return { path: known, content: readFileSync(known) };
    } catch {
      where.delete(key); // gone or now a directory: search again
    }
  }
  const r = lookUp(src, searchPaths, playbookDir);
  where.set(key, r.path);
  return r;
}

function lookUp(src: string, searchPaths: string[], playbookDir: string): { path: string; content: Buffer } {
  const candidates = isAbsolute(src) ? [src] : [...searchPaths, playbookDir].map((dir) => join(dir, src));
  const file = candidates.find((p) => existsSync(p) && statSync(p).isFile());
  const dir = file ? undefined : candidates.find((p) => existsSync(p) && statSync(p).isDirectory());
  if (dir)
    throw new ModuleError(`src "${src}" is a directory (${dir}): copy one file per task, or use a loop`);
  if (!file)
    throw new ModuleError(`could not find src "${src}" (looked in: ${[...new Set(candidates)].join(', ')})`);
  return { path: file, content: readFileSync(file) };
}
