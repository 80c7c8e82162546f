// `certfleet certs list|renew|revoke` and `certfleet schedule install|status|exec`, run as real
// processes (node + tsx on src/cli/index.ts) against the Pebble + bind9 lab.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acmeCertificateModule as mod } from '../../src/modules/acme_certificate.js';
import { rotateLog } from '../../src/cli/schedule.js';
import { labParams, moduleContext, startAcmeLab, type AcmeLab } from './acme-lab.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
let lab: AcmeLab;
const outputs: string[] = [];

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const base = { ...process.env };
    delete base.RFC2136_TSIG_SECRET;
    const child = spawn(
      process.execPath,
      [
        '--import',
        pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href,
        join(repo, 'src/cli/index.ts'),
        ...args,
      ],
      {
        cwd: lab.dir,
        env: { ...base, ...env },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      outputs.push(stdout, stderr);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  lab = await startAcmeLab();
  await mod.run(moduleContext(labParams(lab, { state_dir: '.certfleet' }), { playbookDir: lab.dir }));
});
afterAll(async () => {
  await lab?.stop();
});

describe('certfleet certs', () => {
  it('lists stored certificates (table and --json)', async () => {
    const json = await cli(['certs', 'list', '--json']);
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      name: 'wild',
      domains: ['*.example.test', 'example.test'],
      key_type: 'ec256',
      due: false,
    });
    expect(rows[0].reason).toMatch(/^\d+ of \d+ days left \(renew at 1\/3\)$/);
    const table = await cli(['certs', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^NAME\s+DOMAINS\s+KEY\s+NOT AFTER\s+DAYS\s+RENEW AT\s+REASON$/,
    );
    expect(table.stdout).toContain('wild  *.example.test,example.test  ec256');
  });

  it('renew: --check says up to date; --force needs the TSIG secret from the environment', async () => {
    const check = await cli(['certs', 'renew', '--check']);
    expect(check.stdout).toMatch(/^wild: up to date \(/);
    const noSecret = await cli(['certs', 'renew', 'wild', '--force']);
    expect(noSecret.code).toBe(4);
    expect(noSecret.stderr).toBe(
      'certfleet: error: wild: the rfc2136 DNS provider needs its secret from the environment: set RFC2136_TSIG_SECRET\n',
    );
    const before = JSON.parse(readFileSync(join(lab.dir, '.certfleet/certs/wild/meta.json'), 'utf8')).serial;
    const ok = await cli(['certs', 'renew', 'wild', '--force', '-v'], {
      RFC2136_TSIG_SECRET: lab.bind.tsig.secret,
    });
    expect(ok.stderr).not.toContain('certfleet: error');
    expect(ok.stderr).toContain('acme-client: RESP 201 post'); // -v shows request details
    expect(ok.stdout).toBe('wild: renewed (forced)\n');
    expect(ok.code).toBe(0);
    expect(
      JSON.parse(readFileSync(join(lab.dir, '.certfleet/certs/wild/meta.json'), 'utf8')).serial,
    ).not.toBe(before);
    expect(await lab.bind.txt('_acme-challenge.example.test.')).toEqual([]);
  });

  it('revoke marks the certificate revoked; list then shows it due', async () => {
    const r = await cli(['certs', 'revoke', 'wild']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^wild: revoked \(serial [0-9a-f]+\)/);
    const rows = JSON.parse((await cli(['certs', 'list', '--json'])).stdout);
    expect(rows[0]).toMatchObject({ due: true });
    expect(rows[0].reason).toMatch(/^revoked on /);
    const missing = await cli(['certs', 'revoke', 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no certificate named "nope"/);
  });

  it('never prints the TSIG secret or key material', () => {
    const all = outputs.join('\n');
    const key = readFileSync(join(lab.dir, '.certfleet/certs/wild/live/privkey.pem'), 'utf8');
    expect(all).not.toContain(lab.bind.tsig.secret);
    expect(all).not.toContain(key.split('\n')[1]);
    expect(all).not.toContain('PRIVATE KEY');
  });
});

describe('certfleet schedule', () => {
  it('installs a systemd timer + service when systemd runs, and reports status', async () => {
    const root = join(lab.dir, 'root-systemd');
    mkdirSync(join(root, 'run/systemd/system'), { recursive: true });
    writeFileSync(join(lab.dir, 'site.yml'), '- hosts: all\n  tasks: []\n');
    const r = await cli(['schedule', 'install', 'site.yml', '-i', 'hosts.yml', '--root', root]);
    expect(r.code).toBe(0);
    const timer = readFileSync(join(root, 'etc/systemd/system/certfleet-site.timer'), 'utf8');
    expect(timer).toContain('OnCalendar=*-*-* 00,12:00:00');
    expect(timer).toMatch(/RandomizedDelaySec=\d+/);
    const service = readFileSync(join(root, 'etc/systemd/system/certfleet-site.service'), 'utf8');
    expect(service).toContain(
      `schedule exec --log /var/log/certfleet/certfleet-site.log --keep 5 -- run ${join(lab.dir, 'site.yml')} -i ${join(lab.dir, 'hosts.yml')}`,
    );
    expect(r.stdout).toContain('systemctl daemon-reload && systemctl enable --now certfleet-site.timer');
    const st = await cli(['schedule', 'status', '--root', root]);
    expect(st.stdout).toMatch(/^certfleet-site {2}systemd .* {2}never ran$/m);
  });

  it('writes a cron entry with a random minute without systemd', async () => {
    const root = join(lab.dir, 'root-cron');
    mkdirSync(root, { recursive: true });
    const r = await cli(['schedule', 'install', 'site.yml', '-i', 'hosts.yml', '--root', root]);
    expect(r.code).toBe(0);
    const cron = readFileSync(join(root, 'etc/cron.d/certfleet-site'), 'utf8');
    expect(cron).toMatch(/^(\d|[1-5]\d) (\d|1[01]),(1[2-9]|2[0-3]) \* \* \* root cd /m);
  });

  it('exec appends the run output and its exit code to the log; the log is rotated, keeping N', async () => {
    const log = join(lab.dir, 'logs/job.log');
    const r = await cli([
      'schedule',
      'exec',
      '--log',
      log,
      '--keep',
      '2',
      '--',
      'certs',
      'list',
      '--state-dir',
      '.certfleet',
    ]);
    expect(r.code).toBe(0);
    const text = readFileSync(log, 'utf8');
    expect(text).toContain('wild  *.example.test,example.test');
    expect(text).toMatch(/certfleet schedule: exit 0 at \S+\n$/);
    for (let i = 0; i < 3; i++) {
      writeFileSync(log, `run ${i}\n`.padEnd(2000, '.'));
      await rotateLog(log, 2, 1000);
    }
    expect(readFileSync(`${log}.1`, 'utf8')).toMatch(/^run 2/);
    expect(readFileSync(`${log}.2`, 'utf8')).toMatch(/^run 1/);
    expect(existsSync(`${log}.3`)).toBe(false);
  });
});
