// `certfleet run` with an acme_certificate task (real engine, real Pebble + bind9): check mode
// writes nothing, the first run issues, the second is ok/unchanged; no secret in any output.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcmeLab, type AcmeLab } from './acme-lab.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
let lab: AcmeLab;
beforeAll(async () => {
  lab = await startAcmeLab();
  writeFileSync(
    join(lab.dir, 'hosts.yml'),
    'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n',
  );
  const b = lab.bind;
  writeFileSync(
    join(lab.dir, 'site.yml'),
    `- hosts: localhost
  gather_facts: false
  tasks:
    - name: wildcard certificate
      acme_certificate:
        name: wild
        domains: ['*.example.test', 'example.test']
        directory: ${lab.pebble.directoryUrl}
        email: ops@example.test
        ca_bundle: ${lab.pebble.caCertFile}
        dns:
          provider: rfc2136
          nameserver: 127.0.0.1:${b.port}
          tsig_key_name: ${b.tsig.name}
          tsig_algorithm: ${b.tsig.algorithm}
          tsig_secret: ${b.tsig.secret}
          nameservers: ['127.0.0.1:${b.port}']
          authoritative_override: ${JSON.stringify(b.authoritativeOverride)}
`,
  );
});
afterAll(async () => {
  await lab?.stop();
});

function certfleet(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const loader = pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href;
    const child = spawn(process.execPath, ['--import', loader, join(repo, 'src/cli/index.ts'), ...args], {
      cwd: lab.dir,
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

describe('certfleet run with acme_certificate', () => {
  it('check mode, then issue, then idempotent; nothing secret printed', async () => {
    const check = await certfleet(['run', 'site.yml', '-i', 'hosts.yml', '--check']);
    expect(check.code).toBe(0);
    expect(check.out).toMatch(/changed: \[localhost\]/);
    expect(existsSync(join(lab.dir, '.certfleet'))).toBe(false);
    const first = await certfleet(['run', 'site.yml', '-i', 'hosts.yml']);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/localhost\s*: ok=1\s+changed=1\s+unreachable=0\s+failed=0/);
    const second = await certfleet(['run', 'site.yml', '-i', 'hosts.yml']);
    expect(second.out).toMatch(/localhost\s*: ok=1\s+changed=0\s+unreachable=0\s+failed=0/);
    const key = readFileSync(join(lab.dir, '.certfleet/certs/wild/live/privkey.pem'), 'utf8');
    for (const r of [check, first, second]) {
      expect(r.out).not.toContain(lab.bind.tsig.secret);
      expect(r.out).not.toContain(key.split('\n')[1]);
    }
  });
});
