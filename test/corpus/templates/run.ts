/**
 * Run engines over the corpus against the oracle: per-engine verdict counts by group, the list
 * of cases that are not `same`, and compile / render timings.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type Case, type Outcome, type Verdict, buildCorpus, classify, runOracle } from './harness.js';
import { type Engine, oracleText } from './engines.js';

/** One engine's results. */
export interface EngineReport {
  engine: string;
  counts: Record<Verdict, number>;
  byGroup: Record<string, Record<Verdict, number>>;
  problems: { id: string; verdict: Verdict; oracle: Outcome; got: Outcome }[];
  /** cases left out of the comparison, by reason */
  excluded: Record<string, number>;
  /** total milliseconds spent preparing (compiling) and running all cases */
  compileMs: number;
  renderMs: number;
  /** the real templates alone: mean microseconds per compile and per render */
  templateCompileUs: number;
  templateRenderUs: number;
}

/** The corpus and Ansible's results, computed once. */
export interface Prepared {
  cases: Case[];
  oracle: Record<string, Outcome>;
  varsets: Record<string, Map<string, unknown>>;
  oracleMs: number;
}

/** Build the corpus and run the oracle. */
export function prepareCorpus(): Prepared {
  const { cases, varsets } = buildCorpus();
  const t0 = performance.now();
  const o = runOracle(cases, varsets);
  const vs: Record<string, Map<string, unknown>> = {};
  for (const [k, v] of Object.entries(o.varsets))
    vs[k] = v instanceof Map ? (v as Map<string, unknown>) : new Map();
  return { cases, oracle: o.results, varsets: vs, oracleMs: performance.now() - t0 };
}

/** Cases whose result is not reproducible (random, clock, commands, object addresses). */
export function excluded(c: Case, oracle: Outcome): string | undefined {
  const text = c.source ?? readFileSync(c.path!, 'utf8');
  if (
    /lookup\(\s*['"](?!env['"])|\bquery\(|\bq\(|\|\s*(random|shuffle)\b|\bnow\(|\blipsum\(|template_(host|uid|path|fullpath|run_date|destpath)/.test(
      text,
    )
  )
    return 'non-deterministic or system-dependent (lookup other than env, random, now, template_* vars)';
  if (oracle.ok && /\bat 0x[0-9a-f]+>/.test(typeof oracle.value === 'string' ? oracle.value : ''))
    return 'renders an object address';
  return undefined;
}

const zero = (): Record<Verdict, number> => ({ same: 0, refused: 0, error: 0, different: 0 });

/** Run one engine over the prepared corpus. */
export function runEngine(engine: Engine, p: Prepared): EngineReport {
  const r: EngineReport = {
    engine: engine.name,
    counts: zero(),
    byGroup: {},
    problems: [],
    excluded: {},
    compileMs: 0,
    renderMs: 0,
    templateCompileUs: 0,
    templateRenderUs: 0,
  };
  let tplCompile = 0;
  let tplRender = 0;
  let tplN = 0;
  for (const c of p.cases) {
    const why = excluded(c, p.oracle[c.id]);
    if (why) {
      r.excluded[why] = (r.excluded[why] ?? 0) + 1;
      continue;
    }
    const t0 = performance.now();
    const prepared = engine.prepare(c);
    const t1 = performance.now();
    const got = typeof prepared === 'function' ? prepared(p.varsets[c.varset] ?? new Map()) : prepared;
    const t2 = performance.now();
    r.compileMs += t1 - t0;
    r.renderMs += t2 - t1;
    if (c.group === 'template') {
      tplCompile += t1 - t0;
      tplRender += t2 - t1;
      tplN++;
    }
    const oracle = p.oracle[c.id];
    const v = classify(oracle, got, engine.textOnly && c.kind !== 'expr' ? oracleText : undefined);
    r.counts[v]++;
    (r.byGroup[c.group] ??= zero())[v]++;
    if (v !== 'same') r.problems.push({ id: c.id, verdict: v, oracle, got });
  }
  r.templateCompileUs = tplN ? (tplCompile / tplN) * 1000 : 0;
  r.templateRenderUs = tplN ? (tplRender / tplN) * 1000 : 0;
  return r;
}
