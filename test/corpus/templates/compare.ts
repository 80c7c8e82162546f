/**
 * The measured engine comparison (docs/templates.md): certfleet's engine, @huggingface/jinja and
 * nunjucks (+ installJinjaCompat + Ansible filters) on the same corpus, against Ansible's own
 * rendering. Prints verdict counts per engine and group, and timings.
 * Run: npx tsx test/corpus/templates/compare.ts [--problems ENGINE]
 */
import { performance } from 'node:perf_hooks';
import { certfleet, huggingface, nunjucksEngine } from './engines.js';
import { prepareCorpus, runEngine } from './run.js';

const p = prepareCorpus();
console.log(
  `corpus: ${p.cases.length} cases; Ansible's Templar rendered them in ${Math.round(p.oracleMs)} ms (one process)`,
);
const want = process.argv.indexOf('--problems');
for (const e of [certfleet, huggingface, nunjucksEngine]) {
  const r = runEngine(e, p);
  const c = r.counts;
  const total = c.same + c.refused + c.error + c.different;
  console.log(
    `\n${e.name}: same ${c.same}/${total}, refused at compile ${c.refused}, runtime error ${c.error}, DIFFERENT ${c.different}; compile ${r.compileMs.toFixed(0)} ms, run ${r.renderMs.toFixed(0)} ms; real templates: ${r.templateCompileUs.toFixed(0)} µs compile, ${r.templateRenderUs.toFixed(0)} µs render (mean)`,
  );
  for (const [g, x] of Object.entries(r.byGroup)) console.log(`  ${g}: ${JSON.stringify(x)}`);
  if (want > 0 && process.argv[want + 1] === e.name)
    for (const x of r.problems.slice(0, 200)) console.log(`  ${x.verdict} ${x.id.slice(0, 160)}`);
}

// steady state, as a run over a fleet sees it: each real template compiled once, rendered for 200 hosts
{
  const tpl = p.cases.filter((c) => c.group === 'template');
  const runners = tpl
    .map((c) => [c, certfleet.prepare(c)] as const)
    .filter(([, r]) => typeof r === 'function');
  const t0 = performance.now();
  let renders = 0;
  for (let host = 0; host < 200; host++)
    for (const [c, r] of runners) {
      (r as (v: Map<string, unknown>) => unknown)(p.varsets[c.varset] ?? new Map());
      renders++;
    }
  const ms = performance.now() - t0;
  console.log(
    `\ncertfleet steady state: ${runners.length} real templates x 200 hosts = ${renders} renders in ${ms.toFixed(0)} ms (${((ms / renders) * 1000).toFixed(0)} µs per render, variables templated lazily per render)`,
  );
}
