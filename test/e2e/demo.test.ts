/**
 * `npm run demo` end to end: bind9 + Pebble + five lab hosts, playbooks/site.yml twice through the
 * real runner (second run changed=0), every host serving the Pebble-issued wildcard (verified
 * against Pebble's root with SNI), under 60 s, with no secret and no private key in anything it
 * printed or wrote beside the files that hold them (0600, state dir 0700); and Ctrl-C stops everything
 * the demo started.
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const ENTRY = ['--import', 'tsx', 'test/lab/demo/index.ts'];

function runDemo(
  onOutput?: (text: string, child: ReturnType<typeof spawn>) => void,
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ENTRY, {
      cwd: process.cwd(),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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

/** Every file under `dir`, with its path. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

/**
 * The TSIG secret (from the kept inventory) and every private key (its base64 lines) must appear
 * nowhere in the demo's output nor in any file it wrote other than the inventory and the key files
 * themselves; key files are 0600 and the state dir 0700.
 */
function expectNoSecrets(out: string, kept: string): void {
  const inventory = join(kept, 'inventory.yml');
  const secret = String(
    (parse(readFileSync(inventory, 'utf8')) as { all: { vars: { acme_dns: { tsig_secret: string } } } }).all
      .vars.acme_dns.tsig_secret,
  );
  expect(secret.length).toBeGreaterThan(20);
  expect(statSync(inventory).mode & 0o777).toBe(0o600);
  expect(statSync(join(kept, 'state')).mode & 0o777).toBe(0o700);
  const files = filesUnder(kept);
  const keyFiles = files.filter((f) => /PRIVATE KEY-----/.test(readFileSync(f, 'latin1')));
  // the account key and the certificate's key (live/ links and archive/ copies)
  expect(keyFiles.length).toBeGreaterThanOrEqual(2);
  const keyLines = keyFiles.flatMap((f) =>
    readFileSync(f, 'latin1')
      .split('\n')
      .filter((l) => /^[A-Za-z0-9+/=]{16,}$/.test(l)),
  );
  expect(keyLines.length).toBeGreaterThan(0);
  for (const f of keyFiles) expect(statSync(f).mode & 0o777, f).toBe(0o600);
  const others = files.filter((f) => f !== inventory && !keyFiles.includes(f));
  expect(others.length).toBeGreaterThan(0);
  for (const [name, text] of [
    ['the demo output', out],
    ...others.map((f) => [f, readFileSync(f, 'latin1')]),
  ]) {
    expect(text.includes(secret), `TSIG secret in ${name}`).toBe(false);
    const line = keyLines.find((l) => text.includes(l));
    expect(line, `private key material in ${name}`).toBeUndefined();
  }
}

describe('npm run demo', () => {
  it('rolls the wildcard out to every host, then changes nothing, in under 60 s; no secret anywhere', async () => {
    const kept = join(mkdtempSync(join(tmpdir(), 'certfleet-demo-kept-')), 'work');
    const r = await runDemo(undefined, { CERTFLEET_DEMO_KEEP: kept });
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
    try {
      expectNoSecrets(r.out, kept);
    } finally {
      rmSync(join(kept, '..'), { recursive: true, force: true });
    }
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
