import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { credentialNames, exposedSecretWarning, warnIfSecretFileExposed } from './secret-file.js';

const dir = mkdtempSync(join(tmpdir(), 'certfleet-secret-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, 'x: 1\n');
  chmodSync(path, mode);
  return path;
}

const creds = {
  dns: { tsig_secret: 'c2VjcmV0', ovh_consumer_key: 'ck-123' },
  aws_secret_access_key: 'AK',
  port: 53,
};

describe('credentialNames', () => {
  it('finds credential-looking names recursively, sorted, and ignores empty values and others', () => {
    expect(credentialNames(creds)).toEqual(['aws_secret_access_key', 'ovh_consumer_key', 'tsig_secret']);
    expect(credentialNames({ password: '', user: 'bob', list: [{ api_token: 't' }] })).toEqual(['api_token']);
    expect(credentialNames(null)).toEqual([]);
    // a path to a key is not a credential (inventories name key files; they are not secret)
    expect(
      credentialNames({
        ansible_ssh_private_key_file: '/root/.ssh/id',
        tsig_secret_file: '/etc/k',
        token: 'x',
      }),
    ).toEqual(['token']);
  });
});

describe('exposedSecretWarning', () => {
  it.each([
    [0o644, 'group and others (mode 0644)'],
    [0o640, 'group (mode 0640)'],
    [0o604, 'others (mode 0604)'],
  ])('mode %s: warns, naming the variables and never the values', (mode, who) => {
    const path = file(`v${mode.toString(8)}.yml`, mode);
    const w = exposedSecretWarning(path, creds)!;
    expect(w).toBe(
      `${path} is readable by ${who} and holds credentials ` +
        `(aws_secret_access_key, ovh_consumer_key, tsig_secret); run: chmod 600 ${path}`,
    );
    expect(w).not.toMatch(/c2VjcmV0|ck-123/);
  });

  it('is silent for 0600/0400 files, files without credentials and missing files', () => {
    expect(exposedSecretWarning(file('private.yml', 0o600), creds)).toBeUndefined();
    expect(exposedSecretWarning(file('ro.yml', 0o400), creds)).toBeUndefined();
    expect(exposedSecretWarning(file('plain.yml', 0o644), { port: 1 })).toBeUndefined();
    expect(exposedSecretWarning(join(dir, 'missing.yml'), creds)).toBeUndefined();
  });

  it('warns once per file, as [WARNING]: lines', () => {
    const path = file('once.yml', 0o644);
    const lines: string[] = [];
    warnIfSecretFileExposed(path, creds, (l) => lines.push(l));
    warnIfSecretFileExposed(path, creds, (l) => lines.push(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[WARNING\]: .*once\.yml is readable by group and others/);
  });
});
