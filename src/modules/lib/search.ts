/**
 * Finding `src:` files on the control node: absolute paths as given, relative ones in the search
 * path (role `files/` or `templates/`, then the playbook's, then the playbook directory) like Ansible.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ModuleError } from '../../errors.js';

/** Read a control-node file for copy/template; a missing file lists where it was looked for. */
export function readSource(
  src: string,
  searchPaths: string[],
  playbookDir: string,
): { path: string; content: Buffer } {
  const candidates = isAbsolute(src) ? [src] : [...searchPaths, playbookDir].map((dir) => join(dir, src));
  const found = candidates.find((p) => existsSync(p) && statSync(p).isFile());
  const dir = found ? undefined : candidates.find((p) => existsSync(p) && statSync(p).isDirectory());
  if (dir)
    throw new ModuleError(`src "${src}" is a directory (${dir}): copy one file per task, or use a loop`);
  if (!found)
    throw new ModuleError(`could not find src "${src}" (looked in: ${[...new Set(candidates)].join(', ')})`);
  return { path: found, content: readFileSync(found) };
}
