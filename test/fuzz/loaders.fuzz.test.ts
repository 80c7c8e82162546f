/**
 * Loader fuzzing: thousands of mutated inventories (YAML and INI) and playbooks, built from the
 * repo's own fixtures, go through `loadInventory` and the playbook validator behind `certfleet
 * validate`. Every outcome must be either a loaded object or one ConfigError (exit 4) whose every
 * line is `file:line:col: ...` — anything else (TypeError, RangeError, a hang) is a bug.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CertfleetError, ConfigError, ExitCode } from '../../src/errors.js';
import { loadInventory } from '../../src/inventory/load.js';
import { validatePlaybooks } from '../../src/playbook/validate.js';
import { mutated } from './mutate.js';

const ROOT = join(import.meta.dirname, '..', '..');
const RUNS = { yaml: 4000, ini: 4000, playbook: 2000 };
// A fixed seed keeps `npm test` reproducible in CI; explore new inputs with FUZZ_SEED=<n> (or `random`).
// Seed 1317225448 once found a group name holding U+2028 that split an issue over two lines (fixed in errors.ts).
const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() : Number(process.env.FUZZ_SEED ?? 20261125);

const LINE = /^[^\n]+:\d+:\d+: ./;

/** Every regular file below `dir`. */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const full = join(dir, e);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

const inventoryFiles = walk(join(ROOT, 'test/fixtures/inventory/ok')).filter(
  (f) => !/\/(group|host)_vars\//.test(f) && !/^(expected|sources)/.test(basename(f)),
);
const isYaml = (f: string) => ['.yml', '.yaml'].includes(extname(f));
const yamlSeeds = inventoryFiles.filter(isYaml).map((f) => readFileSync(f, 'utf8'));
const iniSeeds = inventoryFiles
  .filter((f) => !isYaml(f) && !/\.(md|txt|orig|bak|json)$|~$|\/\.hidden$/.test(f))
  .map((f) => readFileSync(f, 'utf8'));
const varsSeeds = walk(join(ROOT, 'test/fixtures/inventory/ok'))
  .filter((f) => /\/group_vars\/[^/]+\.ya?ml$/.test(f))
  .map((f) => readFileSync(f, 'utf8'));
const playbookSeeds = [
  ...readdirSync(join(ROOT, 'playbooks')).map((f) => join(ROOT, 'playbooks', f)),
  join(ROOT, 'test/fixtures/playbooks/compare/site.yml'),
].map((f) => readFileSync(f, 'utf8'));

const work = mkdtempSync(join(tmpdir(), 'certfleet-fuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const counts = { yaml: 0, ini: 0, playbook: 0, rejected: 0 };

/** Raw bytes sometimes appended, so invalid UTF-8 and NULs reach the readers too. */
const tail = fc.option(fc.uint8Array({ maxLength: 16 }), { freq: 4 });

function write(path: string, text: string, bytes: Uint8Array | null): void {
  writeFileSync(path, bytes ? Buffer.concat([Buffer.from(text), bytes]) : text);
}

/** The fuzz contract for a rejected input. */
function checkRejection(err: unknown): void {
  if (!(err instanceof ConfigError)) throw err;
  expect(err).toBeInstanceOf(CertfleetError);
  expect(err.exitCode).toBe(ExitCode.BAD_INPUT);
  for (const l of err.format().split('\n')) {
    if (!LINE.test(l)) throw new Error(`issue line without file:line:col: ${JSON.stringify(l)}`);
  }
  counts.rejected++;
}

describe('loader fuzzing', () => {
  it('seeds exist', () => {
    expect(yamlSeeds.length).toBeGreaterThan(5);
    expect(iniSeeds.length).toBeGreaterThan(4);
    expect(playbookSeeds.length).toBeGreaterThan(3);
  });

  it('mutated YAML inventories (with group_vars) load or fail with located issues', async () => {
    const dir = join(work, 'yaml');
    mkdirSync(join(dir, 'group_vars'), { recursive: true });
    const arb = fc.tuple(mutated(yamlSeeds), fc.option(mutated(varsSeeds), { freq: 3 }), tail);
    await fc.assert(
      fc.asyncProperty(arb, async ([inv, vars, bytes]) => {
        counts.yaml++;
        const file = join(dir, 'hosts.yml');
        write(file, inv.text, bytes);
        rmSync(join(dir, 'group_vars', 'all.yml'), { force: true });
        if (vars) writeFileSync(join(dir, 'group_vars', 'all.yml'), vars.text);
        try {
          await loadInventory([file]);
        } catch (err) {
          checkRejection(err);
        }
      }),
      { numRuns: RUNS.yaml, seed: SEED },
    );
  }, 240_000);

  it('mutated INI inventories load or fail with located issues', async () => {
    const dir = join(work, 'ini');
    mkdirSync(dir, { recursive: true });
    await fc.assert(
      fc.asyncProperty(mutated(iniSeeds), tail, fc.boolean(), async (inv, bytes, noExt) => {
        counts.ini++;
        // without an extension the loader first tries YAML, then INI: both paths get fuzzed
        const file = join(dir, noExt ? 'hosts' : 'hosts.ini');
        write(file, inv.text, bytes);
        try {
          await loadInventory([file]);
        } catch (err) {
          checkRejection(err);
        } finally {
          rmSync(file, { force: true });
        }
      }),
      { numRuns: RUNS.ini, seed: SEED },
    );
  }, 240_000);

  it('mutated playbooks validate or fail with located issues', async () => {
    const dir = join(work, 'pb');
    mkdirSync(dir, { recursive: true });
    await fc.assert(
      fc.asyncProperty(mutated(playbookSeeds), tail, async (pb, bytes) => {
        counts.playbook++;
        const file = join(dir, 'site.yml');
        write(file, pb.text, bytes);
        const [res] = await validatePlaybooks([file]);
        if (res.issues.length) checkRejection(new ConfigError(res.issues));
        else expect(res.playbook).toBeDefined();
      }),
      { numRuns: RUNS.playbook, seed: SEED },
    );
  }, 240_000);

  it('reports the number of cases run', () => {
    const total = counts.yaml + counts.ini + counts.playbook;
    console.log(
      `fuzz: ${counts.yaml} inventories, ${counts.playbook} playbooks, ${counts.ini} INI: 0 uncaught ` +
        `(${counts.rejected} rejected with located issues)`,
    );
    expect(total).toBeGreaterThanOrEqual(10_000);
  });
});
