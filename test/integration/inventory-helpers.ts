// Shared by the inventory integration tests: fixture locations and running the real CLI
// (node + tsx on src/cli/index.ts, so tests never race other helpers' builds of dist/).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repo = fileURLToPath(new URL('../..', import.meta.url));
export const okRoot = join(repo, 'test/fixtures/inventory/ok');
export const brokenRoot = join(repo, 'test/fixtures/inventory/broken');

/** Case directories under a fixture root. */
export function cases(root: string): string[] {
  return readdirSync(root).sort();
}

/** The `-i` sources of a case, relative to its directory (one per line in `sources`). */
export function sources(caseDir: string): string[] {
  return readFileSync(join(caseDir, 'sources'), 'utf8').split('\n').filter(Boolean);
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command and collect its output (never rejects on a non-zero exit). */
export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Run `certfleet ARGS` from `cwd`. */
export function certfleet(args: string[], cwd: string): Promise<Run> {
  const loader = pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href;
  return run(process.execPath, ['--import', loader, join(repo, 'src/cli/index.ts'), ...args], cwd);
}

/** `-i a -i b` for a case. */
export function inventoryArgs(caseDir: string): string[] {
  return sources(caseDir).flatMap((s) => ['-i', s]);
}
