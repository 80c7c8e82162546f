// exec provider: a real script (through the rfc2136 provider into a real bind9), and script failures.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider, withDnsChallenges } from '../../src/dns/dns01.js';
import { startBind9, type Bind9Lab } from '../lab/bind9.js';
import { registerSecret } from '../../src/output/redact.js';

let lab: Bind9Lab;
let dir: string;
const saved = { ...process.env };

beforeAll(async () => {
  lab = await startBind9({ zones: ['example.test'] });
  dir = mkdtempSync(join(tmpdir(), 'certfleet-dns-exec-'));
  // the script reads its rfc2136 config from the environment it inherits
  Object.assign(process.env, {
    RFC2136_NAMESERVER: `127.0.0.1:${lab.port}`,
    RFC2136_TSIG_KEY: lab.tsig.name,
    RFC2136_TSIG_SECRET: lab.tsig.secret,
  });
});

afterAll(async () => {
  process.env = saved;
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const script = fileURLToPath(new URL('./dns-exec-script.ts', import.meta.url));

describe('exec provider', () => {
  it('runs SCRIPT present|cleanup FQDN VALUE end to end', async () => {
    const seen = await withDnsChallenges(
      [
        { domain: 'example.test', value: 'exec-apex' },
        { domain: '*.example.test', value: 'exec-wild' },
      ],
      {
        provider: 'exec',
        config: { command: script },
        nameservers: [`127.0.0.1:${lab.port}`],
        authoritativeOverride: lab.authoritativeOverride,
        propagationTimeoutMs: 5000,
        propagationIntervalMs: 200,
      },
      () => lab.txt('_acme-challenge.example.test'),
    );
    expect(seen.sort()).toEqual(['exec-apex', 'exec-wild']);
    expect(await lab.txt('_acme-challenge.example.test')).toEqual([]);
  });

  it('warns about a cleanup that failed for a published value; stays quiet when its present failed too', async () => {
    const opts = (command: string, log: string[]) => ({
      provider: 'exec',
      config: { command },
      nameservers: [`127.0.0.1:${lab.port}`],
      authoritativeOverride: lab.authoritativeOverride,
      propagationTimeoutMs: 3000,
      propagationIntervalMs: 200,
      log: (m: string) => log.push(m),
    });
    // present works (through the real script), cleanup fails: the record is left, the user is told
    const halfway = join(dir, 'no-cleanup.sh');
    writeFileSync(
      halfway,
      `#!/bin/sh\n[ "$1" = cleanup ] && { echo "api down" >&2; exit 1; }\nexec ${script} "$@"\n`,
    );
    chmodSync(halfway, 0o755);
    const warned: string[] = [];
    await withDnsChallenges([{ domain: 'example.test', value: 'left-behind' }], opts(halfway, warned), () =>
      Promise.resolve(),
    );
    expect(
      warned.filter((l) => l.startsWith('[WARNING]: dns: cleanup of _acme-challenge.example.test.')),
    ).toHaveLength(1);
    expect(await lab.txt('_acme-challenge.example.test')).toEqual(['left-behind']);
    await createProvider('exec', { command: script }).cleanup(
      {
        domain: 'example.test',
        fqdn: '_acme-challenge.example.test.',
        value: 'left-behind',
        zone: 'example.test.',
      },
      AbortSignal.timeout(5000),
    );
    // both fail: the present's error is the one message; the cleanup's is a detail
    const down = join(dir, 'down.sh');
    writeFileSync(down, '#!/bin/sh\necho "api down" >&2\nexit 1\n');
    chmodSync(down, 0o755);
    const quiet: string[] = [];
    await expect(
      withDnsChallenges([{ domain: 'example.test', value: 'never' }], opts(down, quiet), () =>
        Promise.resolve(),
      ),
    ).rejects.toThrow(/api down/);
    expect(quiet.filter((l) => l.startsWith('[WARNING]'))).toEqual([]);
    expect(quiet.some((l) => /cleanup of .* failed.*its present failed too/.test(l))).toBe(true);
  });

  it('reports a failing script with its stderr, secrets redacted', async () => {
    const secret = 'hunter2-very-secret';
    registerSecret(secret);
    const bad = join(dir, 'bad.sh');
    writeFileSync(bad, `#!/bin/sh\necho "api said no (token ${secret})" >&2\nexit 3\n`);
    chmodSync(bad, 0o755);
    const p = createProvider('exec', { command: bad });
    const ch = {
      domain: 'example.test',
      fqdn: '_acme-challenge.example.test.',
      zone: 'example.test.',
      value: 'v',
    };
    await expect(p.present(ch, AbortSignal.timeout(5000))).rejects.toThrow(
      `exec: "${bad} present _acme-challenge.example.test. v" exited with code 3: api said no (token ********)`,
    );
  });

  it('reports a missing script and a timeout', async () => {
    const ch = {
      domain: 'example.test',
      fqdn: '_acme-challenge.example.test.',
      zone: 'example.test.',
      value: 'v',
    };
    const missing = join(dir, 'nope.sh');
    await expect(
      createProvider('exec', { command: missing }).cleanup(ch, AbortSignal.timeout(5000)),
    ).rejects.toThrow(
      `exec: "${missing} cleanup _acme-challenge.example.test. v" cannot run ${missing}: ENOENT`,
    );
    const slow = join(dir, 'slow.sh');
    writeFileSync(slow, '#!/bin/sh\nexec sleep 5\n');
    chmodSync(slow, 0o755);
    await expect(
      createProvider('exec', { command: slow, timeout_ms: 300 }).present(ch, AbortSignal.timeout(5000)),
    ).rejects.toThrow(/timed out after 300 ms$/);
  });
});
