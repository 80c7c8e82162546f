// `npm run bench [name...]`: build, then run each named benchmark, or every one that exists. A
// benchmark is a folder with a run.mjs (bench/fleet/run.mjs → `fleet`) or a script bench/NAME.mjs.
// Each prints its own table; a failing one fails the whole run.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const scripts = new Map();
for (const d of readdirSync(here, { withFileTypes: true })) {
  if (d.isDirectory() && existsSync(join(here, d.name, 'run.mjs')))
    scripts.set(d.name, join(here, d.name, 'run.mjs'));
  else if (d.isFile() && d.name.endsWith('.mjs') && d.name !== 'run.mjs')
    scripts.set(d.name.slice(0, -4), join(here, d.name));
}
const names = process.argv.slice(2);
const unknown = names.filter((n) => !scripts.has(n));
if (unknown.length) {
  console.error(
    `bench: unknown benchmark ${unknown.join(', ')} (known: ${[...scripts.keys()].sort().join(', ')})`,
  );
  process.exit(4);
}
if (!process.env.BENCH_NO_BUILD)
  execFileSync('npm', ['run', 'build'], { cwd: join(here, '..'), stdio: 'inherit' });
for (const name of names.length ? names : [...scripts.keys()].sort()) {
  console.log(`\n== bench ${name}`);
  // the benchmarks import the lab's TypeScript (test/lab) through tsx, which this process runs under
  execFileSync(process.execPath, [...process.execArgv, scripts.get(name)], { stdio: 'inherit' });
}
