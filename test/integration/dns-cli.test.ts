// `certfleet dns providers` and `certfleet ovh credentials` as a user runs them (child process).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateTarget } from '../../src/dns/providers/rfc2136/index.js';
import { startBind9, type Bind9Lab } from '../lab/bind9.js';
import { startOvhFake, type OvhFake } from '../fakes/ovh-server.js';

const cli = fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url));
let lab: Bind9Lab;
let fake: OvhFake;
let dir: string;
const creds = {
  applicationKey: 'cli-app-key',
  applicationSecret: 'cli-app-secret-xyz',
  consumerKey: 'cli-consumer-key',
};

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', cli, ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  lab = await startBind9({ zones: ['example.test'] });
  fake = await startOvhFake({
    zones: ['example.test'],
    bind9: updateTarget({
      nameserver: `127.0.0.1:${lab.port}`,
      tsig_key_name: lab.tsig.name,
      tsig_secret: lab.tsig.secret,
      tsig_algorithm: 'hmac-sha256',
      ttl: 60,
      timeout_ms: 5000,
    }),
    ...creds,
  });
  dir = mkdtempSync(join(tmpdir(), 'certfleet-dns-cli-'));
  writeFileSync(join(dir, 'ca.pem'), fake.ca);
});

afterAll(async () => {
  await fake?.stop();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('certfleet dns providers', () => {
  it('lists every provider with its options from the schemas', async () => {
    const r = await run(['dns', 'providers', '--json']);
    expect(r.code).toBe(0);
    const infos = JSON.parse(r.stdout) as {
      code: string;
      aliases: string[];
      options: { key: string; env: string; secret: boolean; required: boolean }[];
    }[];
    expect(infos.map((i) => i.code)).toEqual(['exec', 'ovh', 'rfc2136', 'route53']);
    const rfc = infos.find((i) => i.code === 'rfc2136')!;
    expect(rfc.aliases).toEqual(['nsupdate']);
    expect(rfc.options.find((o) => o.key === 'tsig_secret')).toMatchObject({
      env: 'RFC2136_TSIG_SECRET',
      secret: true,
      required: false,
    });
    expect(rfc.options.find((o) => o.key === 'nameserver')).toMatchObject({
      env: 'RFC2136_NAMESERVER',
      required: true,
    });
    const text = await run(['dns', 'providers']);
    expect(text.stdout).toContain('rfc2136 (alias nsupdate): RFC 2136 dynamic update signed with TSIG');
    expect(text.stdout).toMatch(/consumer_key +string \(required, secret\); env OVH_CONSUMER_KEY/);
  });
});

describe('certfleet ovh credentials', () => {
  it('requests a zone-limited consumer key and prints the validation URL', async () => {
    const r = await run(['ovh', 'credentials', '--zone', 'example.test', '--endpoint', fake.url], {
      OVH_APPLICATION_KEY: creds.applicationKey,
      OVH_APPLICATION_SECRET: creds.applicationSecret,
      NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^consumer key: [0-9a-f]{32} \(pendingValidation\)\n/);
    expect(r.stdout).toContain(
      `validate it: open ${fake.url.replace('/1.0', '')}/auth/validate?credentialToken=`,
    );
    expect(r.stdout).toContain(
      'access rules: GET /domain/zone/example.test/*, POST /domain/zone/example.test/*, DELETE /domain/zone/example.test/*, POST /domain/zone/example.test/refresh',
    );
    expect(r.stdout).not.toContain(creds.applicationSecret);
  });

  it('says which variable is missing (exit 4)', async () => {
    const r = await run(['ovh', 'credentials', '--zone', 'example.test'], {
      OVH_APPLICATION_KEY: '',
      OVH_APPLICATION_SECRET: '',
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(
      'certfleet: error: ovh credentials: set OVH_APPLICATION_KEY (or --application-key) and OVH_APPLICATION_SECRET\n',
    );
  });
});
