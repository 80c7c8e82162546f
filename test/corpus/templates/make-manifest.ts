/**
 * Writes manifest.json: which installed files of Debian's `ansible` package the corpus uses (real
 * templates, role task files, module docs) and which variables each renders with (its role's
 * defaults/main.yml and vars/main.yml, then facts.yml). Only paths are committed; the files are
 * read in place at test time. Run: npx tsx test/corpus/templates/make-manifest.ts
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export const ROOT = '/usr/lib/python3/dist-packages';
const COLLECTIONS = join(ROOT, 'ansible_collections');

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** The role directory containing a file (…/roles/NAME), if any. */
function roleOf(file: string): string | undefined {
  const m = /^(.*\/roles\/[^/]+)\//.exec(file);
  return m ? m[1] : undefined;
}

const files = walk(COLLECTIONS);
const varsets: Record<string, { files: string[] }> = { facts: { files: [] } };
function varsetFor(file: string): string {
  const role = roleOf(file);
  if (!role) return 'facts';
  const name = relative(COLLECTIONS, role);
  if (!varsets[name]) {
    const vf = ['defaults/main.yml', 'vars/main.yml'].map((f) => join(role, f)).filter((f) => existsSync(f));
    varsets[name] = { files: vf.map((f) => relative(ROOT, f)) };
  }
  return name;
}

const templates = files
  .filter((f) => f.endsWith('.j2'))
  .sort()
  .map((f) => ({ path: relative(ROOT, f), varset: varsetFor(f) }));
const tasks = files
  .filter((f) => /\/roles\/[^/]+\/tasks\/[^/]+\.ya?ml$/.test(f))
  .sort()
  .map((f) => ({ path: relative(ROOT, f), varset: varsetFor(f) }));
const modules = walk(join(ROOT, 'ansible/modules'))
  .filter((f) => f.endsWith('.py') && !f.includes('__'))
  .sort()
  .map((f) => relative(ROOT, f));

const manifest = { root: ROOT, facts: 'test/corpus/templates/facts.yml', varsets, templates, tasks, modules };
writeFileSync(
  join(dirname(new URL(import.meta.url).pathname), 'manifest.json'),
  `${JSON.stringify(manifest, null, 1)}\n`,
);
console.log(
  `${templates.length} templates, ${tasks.length} task files, ${modules.length} module docs, ${Object.keys(varsets).length} varsets`,
);
