/**
 * The layers of src/ (docs/architecture.md), checked on the code's own imports: every import between
 * folders goes down the table below, so the folder graph has no circle; only the CLI imports the
 * engine; nothing of the product imports the lab or any test code; nothing ships from test/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

/** Bottom first: a folder may import its own files and folders of a lower layer. */
export const LAYERS: string[][] = [
  ['(root)'], // errors.ts, paths.ts
  ['output'], // redaction, diffs, events, renderers
  ['config', 'connections', 'template'],
  ['files', 'webservers', 'store', 'inventory'],
  ['dns'],
  ['acme', 'delivery', 'audit'],
  ['modules'],
  ['playbook'],
  ['engine'],
  ['cli'],
];
const layerOf = new Map(LAYERS.flatMap((l, i) => l.map((f) => [f, i] as const)));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Relative imports of a file (static and dynamic, `import type` included), resolved to paths. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specs.map((s) => normalize(join(dirname(file), s)));
}

const folderOf = (path: string): string => {
  const rel = relative(SRC, path);
  if (rel.startsWith('..')) return `outside:${relative(ROOT, path)}`;
  return rel.includes('/') ? rel.split('/')[0] : '(root)';
};

const product = sources(SRC).filter((f) => !f.endsWith('.test.ts'));
const edges = product.flatMap((f) => imports(f).map((to) => ({ from: f, to })));

describe('architecture', () => {
  it('every folder of src/ has its place in the layer table', () => {
    const folders = new Set(product.map(folderOf));
    expect([...folders].filter((f) => !layerOf.has(f))).toEqual([]);
  });

  it('imports between folders only go down the layers (so no folder circle)', () => {
    const upward = edges
      .filter((e) => folderOf(e.from) !== folderOf(e.to))
      .filter((e) => !((layerOf.get(folderOf(e.to)) ?? Infinity) < layerOf.get(folderOf(e.from))!))
      .map((e) => `${relative(ROOT, e.from)} -> ${relative(ROOT, e.to)}`);
    expect(upward).toEqual([]);
  });

  it('only the CLI imports the engine; the product imports nothing outside src/', () => {
    const intoEngine = edges.filter(
      (e) => folderOf(e.to) === 'engine' && !['engine', 'cli'].includes(folderOf(e.from)),
    );
    expect(intoEngine.map((e) => relative(ROOT, e.from))).toEqual([]);
    const outside = edges.filter((e) => folderOf(e.to).startsWith('outside:'));
    expect(outside.map((e) => `${relative(ROOT, e.from)} -> ${relative(ROOT, e.to)}`)).toEqual([]);
  });
});
