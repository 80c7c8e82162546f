/**
 * The template corpus: certfleet's probes plus real material read in place from Debian's
 * `ansible` package (role templates rendered with their role's defaults and facts.yml, the
 * `{{ }}` values and `when:` conditions of role task files and module EXAMPLES). Ansible's own
 * Templar (oracle.py, one python3 process) renders every case; an engine adapter renders the same
 * cases and each is classified: same, refused at compile time, runtime error, or DIFFERENT.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import { PyFloat, tuple } from '../../../src/template/jinja/index.js';
import { mkFloat, mkInt, newDict } from '../../../src/template/jinja/values.js';
import { PROBES } from './probes.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '../../..');

/** One corpus case, as the oracle and the engines receive it. */
export interface Case {
  id: string;
  kind: 'value' | 'file' | 'expr';
  source?: string;
  path?: string;
  varset: string;
  /** where it comes from: probe, template, task, example */
  group: 'probe' | 'template' | 'task' | 'example';
}

/** An engine's or the oracle's answer. */
export type Outcome =
  { ok: true; value: unknown } | { ok: false; error: string; message: string; compile?: boolean };

interface Manifest {
  root: string;
  facts: string;
  varsets: Record<string, { files: string[] }>;
  templates: { path: string; varset: string }[];
  tasks: { path: string; varset: string }[];
  modules: string[];
}

const COND_KEYS = new Set(['when', 'changed_when', 'failed_when', 'until']);

/** Walk parsed YAML: conditions and `{{ }}` strings. */
function collect(
  n: Node | null | undefined,
  key: string | undefined,
  out: { expr: Set<string>; value: Set<string> },
): void {
  if (!n) return;
  if (isMap(n)) {
    for (const p of n.items) {
      const k = isScalar(p.key) ? String(p.key.value) : undefined;
      collect(p.value as Node, k, out);
    }
  } else if (isSeq(n)) for (const x of n.items) collect(x as Node, key, out);
  else if (isScalar(n) && typeof n.value === 'string') {
    const s = n.value;
    if (key && COND_KEYS.has(key)) {
      if (!/\{\{|\{%/.test(s)) out.expr.add(s);
    } else if (s.includes('{{') && s.length < 2000) out.value.add(s);
  }
}

function yamlCases(
  text: string,
  varset: string,
  group: Case['group'],
  idBase: string,
  cases: Case[],
  stats: CorpusStats,
): void {
  let docs;
  try {
    docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false });
  } catch {
    return;
  }
  if (!Array.isArray(docs)) return;
  const out = { expr: new Set<string>(), value: new Set<string>() };
  for (const d of docs) if (!d.errors.length) collect(d.contents as Node, undefined, out);
  for (const s of out.expr) cases.push({ id: `${idBase}#when:${s}`, kind: 'expr', source: s, varset, group });
  for (const s of out.value)
    cases.push({ id: `${idBase}#value:${s}`, kind: 'value', source: s, varset, group });
  stats.files++;
}

/** What the corpus is made of. */
export interface CorpusStats {
  files: number;
}

/** Build the corpus cases and varsets (paths only: the oracle loads the YAML). */
export function buildCorpus(): {
  cases: Case[];
  varsets: Record<string, { files: string[] }>;
  stats: CorpusStats;
} {
  const m = JSON.parse(readFileSync(join(HERE, 'manifest.json'), 'utf8')) as Manifest;
  const facts = join(REPO, m.facts);
  const varsets: Record<string, { files: string[] }> = {
    probe: { files: [facts, join(HERE, 'probe-vars.yml')] },
  };
  for (const [name, v] of Object.entries(m.varsets))
    varsets[name] = { files: [facts, ...v.files.map((f) => join(m.root, f))] };
  const cases: Case[] = PROBES.map((p, i) => ({
    id: `probe:${i}`,
    kind: p.kind,
    source: p.source,
    varset: 'probe',
    group: 'probe',
  }));
  const stats = { files: 0 };
  for (const t of m.templates) {
    const path = join(m.root, t.path);
    if (existsSync(path))
      cases.push({ id: `template:${t.path}`, kind: 'file', path, varset: t.varset, group: 'template' });
  }
  for (const t of m.tasks) {
    const path = join(m.root, t.path);
    if (existsSync(path))
      yamlCases(readFileSync(path, 'utf8'), t.varset, 'task', `task:${t.path}`, cases, stats);
  }
  for (const mod of m.modules) {
    const path = join(m.root, mod);
    if (!existsSync(path)) continue;
    const ex = /^EXAMPLES\s*=\s*r?(?:'''|""")([\s\S]*?)(?:'''|""")/m.exec(readFileSync(path, 'utf8'));
    if (ex) yamlCases(ex[1], 'facts', 'example', `example:${mod}`, cases, stats);
  }
  return { cases, varsets, stats };
}

/** Decode the oracle's tagged JSON into engine values. */
export function decode(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(decode);
  const o = v as Record<string, unknown>;
  if ('$float' in o) {
    const r = String(o.$float);
    return mkFloat(r === 'inf' ? Infinity : r === '-inf' ? -Infinity : r === 'nan' ? NaN : Number(r));
  }
  if ('$int' in o) return mkInt(BigInt(String(o.$int)));
  if ('$tuple' in o) return tuple((o.$tuple as unknown[]).map(decode));
  if ('$dict' in o) return newDict((o.$dict as [unknown, unknown][]).map(([k, x]) => [decode(k), decode(x)]));
  return { $repr: o.$repr, $type: o.$type };
}

/** Run Ansible's Templar on every case: one python3 process. */
export function runOracle(
  cases: Case[],
  varsets: Record<string, { files: string[] }>,
): { varsets: Record<string, unknown>; results: Record<string, Outcome> } {
  const req = {
    varsets,
    cases: cases.map(({ id, kind, source, path, varset }) => ({ id, kind, source, path, varset })),
  };
  const r = spawnSync('/usr/bin/python3', [join(HERE, 'oracle.py')], {
    input: JSON.stringify(req),
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`oracle failed: ${r.stderr}`);
  const raw = JSON.parse(r.stdout) as {
    varsets: Record<string, unknown>;
    results: Record<string, { ok: boolean; value?: unknown; error?: string; message?: string }>;
  };
  const results: Record<string, Outcome> = {};
  for (const [id, x] of Object.entries(raw.results))
    results[id] = x.ok
      ? { ok: true, value: decode(x.value) }
      : { ok: false, error: x.error ?? '', message: x.message ?? '' };
  const vs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw.varsets)) vs[k] = decode(v);
  return { varsets: vs, results };
}

/** Strict equality of results: same Python type, same value, same key order. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof PyFloat || b instanceof PyFloat || typeof a === 'number' || typeof b === 'number') {
    const fa = a instanceof PyFloat || (typeof a === 'number' && !Number.isInteger(a));
    const fb = b instanceof PyFloat || (typeof b === 'number' && !Number.isInteger(b));
    if (fa !== fb || typeof a === 'boolean' || typeof b === 'boolean') return false;
    const x = Number(a);
    const y = Number(b);
    return x === y || (Number.isNaN(x) && Number.isNaN(y));
  }
  if (typeof a === 'bigint' || typeof b === 'bigint') return String(a) === String(b);
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (a instanceof Map && b instanceof Map) {
    const ea = [...a.entries()];
    const eb = [...b.entries()];
    return (
      ea.length === eb.length && ea.every(([k, v], i) => sameValue(k, eb[i][0]) && sameValue(v, eb[i][1]))
    );
  }
  return a === b;
}

/** How an engine's outcome relates to Ansible's. */
export type Verdict = 'same' | 'refused' | 'error' | 'different';

/** Classify one case. `asText` compares text engines against str() of Ansible's value. */
export function classify(oracle: Outcome, got: Outcome, text?: (v: unknown) => string): Verdict {
  if (!oracle.ok) return got.ok ? 'different' : 'same';
  if (!got.ok) return got.compile ? 'refused' : 'error';
  if (text) return text(oracle.value) === got.value ? 'same' : 'different';
  return sameValue(oracle.value, got.value) ? 'same' : 'different';
}
