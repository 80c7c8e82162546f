/**
 * Where certfleet's own files are, wherever its code runs from: the TypeScript sources (tests),
 * the compiled tree (`dist/`), or the single-file bundle the `certfleet` command uses
 * (`dist/bundle/`). Files that ship beside the code (JSON schemas, host scripts) are looked up in the
 * tree of the code that runs — `src/` or `dist/` — relative to the package root, never relative to
 * the importing module, which a bundle moves.
 */
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);

function findRoot(from: string): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'roles'))) return dir;
    if (dirname(dir) === dir) throw new Error(`certfleet: cannot find the package root above ${from}`);
  }
}

/** The package root (where package.json, roles/ and playbooks/ are). */
export const PACKAGE_ROOT = findRoot(self);

/** `src` when running from the sources, `dist` when compiled or bundled. */
const TREE = self.includes(`${sep}src${sep}`) ? 'src' : 'dist';

/** A file shipped beside the code, by its path under `src/` (e.g. `config/schemas/x.json`). */
export function codeAsset(...segments: string[]): string {
  return join(PACKAGE_ROOT, TREE, ...segments);
}

/** A file of the package itself (roles, playbooks, package.json). */
export function packageFile(...segments: string[]): string {
  return join(PACKAGE_ROOT, ...segments);
}
