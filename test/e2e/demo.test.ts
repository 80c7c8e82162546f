/**
 * `npm run demo` end to end: bind9 + Pebble + five lab hosts, playbooks/site.yml twice through the
 * real runner (second run changed=0), every host serving the Pebble-issued wildcard (verified
 * against Pebble's root with SNI), under 60 s; and Ctrl-C stops everything the demo started.
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ENTRY = ['--import', 'tsx', 'src/demo/index.ts'];

function runDemo(
  onOutput?: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<{ code: number | null; out: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ENTRY, { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const add = (d: Buffer) => {
      out += d.toString();
      onOutput?.(out, child);
    };
    child.stdout.on('data', add);
    child.stderr.on('data', add);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, ms: Date.now() - t0 }));
  });
}

function labLeftovers(id: string): string {
  const ns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  const left = ns.split('\n').filter((l) => l.startsWith(`cfl-${id}-`));
  if (existsSync(`/run/certfleet-lab/${id}.json`)) left.push(`/run/certfleet-lab/${id}.json`);
  return left.join(' ');
}

describe('npm run demo', () => {
  it('rolls the wildcard out to every host, then changes nothing, in under 60 s', async () => {
    const r = await runDemo();
    expect(r.code, r.out).toBe(0);
    expect(r.ms).toBeLessThan(60_000);
    const [first, second] = r.out.split('second run (nothing to do: changed=0)');
    for (const h of ['web1', 'web2', 'web3', 'web4', 'lb1']) {
      expect(first).toMatch(new RegExp(`${h}\\s+: ok=\\d+\\s+changed=[1-9]`));
      expect(second).toMatch(new RegExp(`${h}\\s+: ok=\\d+\\s+changed=0\\s+unreachable=0\\s+failed=0`));
    }
    expect(r.out.match(/^ {2}ok {3}.* chain\+name verified$/gm)).toHaveLength(5);
    const id = /lab (\w+), bind9/.exec(r.out)![1];
    expect(labLeftovers(id)).toBe('');
  });

  it('Ctrl-C in the middle of the rollout stops everything it started', async () => {
    let sent = false;
    const r = await runDemo((out, child) => {
      if (!sent && out.includes('PLAY [nginx servers]')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(r.code, r.out).toBe(130);
    expect(r.out).toContain('interrupted, stopping everything it started');
    const id = /lab (\w+), bind9/.exec(r.out)![1];
    expect(labLeftovers(id)).toBe('');
  });
});
