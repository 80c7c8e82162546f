import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendHostKey,
  checkHostKey,
  fingerprint,
  hostKeyVerifier,
  knownHostsName,
  patternsMatch,
  preferredHostKeyAlgorithms,
} from './known-hosts.js';

/** A syntactically valid SSH key blob: string type + 32 random bytes. */
function blob(type = 'ssh-ed25519'): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  const k = randomBytes(32);
  const klen = Buffer.alloc(4);
  klen.writeUInt32BE(32);
  return Buffer.concat([len, t, klen, k]);
}

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kh-'));

  it('names hosts as OpenSSH does', () => {
    expect(knownHostsName('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(knownHostsName('web1', 2222)).toBe('[web1]:2222');
  });

  it('matches plain, wildcard, negated and hashed patterns', () => {
    expect(patternsMatch('a,web1,b', 'web1')).toBe(true);
    expect(patternsMatch('web*', 'web1')).toBe(true);
    expect(patternsMatch('web*,!web2', 'web2')).toBe(false);
    expect(patternsMatch('[web1]:2222', '[web1]:2222')).toBe(true);
    expect(patternsMatch('[web1]:2222', 'web1')).toBe(false);
    expect(patternsMatch(hashed('[10.0.0.5]:2200'), '[10.0.0.5]:2200')).toBe(true);
    expect(patternsMatch(hashed('10.0.0.5'), '10.0.0.6')).toBe(false);
  });

  it('classifies keys as match, mismatch, revoked or unknown', () => {
    const good = blob();
    const bad = blob();
    const file = join(dir, 'kh1');
    writeFileSync(
      file,
      `# c\n\n[h]:2200 ssh-ed25519 ${good.toString('base64')}\n@revoked * ssh-ed25519 ${bad.toString('base64')}\n`,
    );
    expect(checkHostKey(file, 'h', 2200, good)).toEqual({ status: 'match', line: 3 });
    expect(checkHostKey(file, 'h', 2200, blob())).toEqual({
      status: 'mismatch',
      line: 3,
      expectedType: 'ssh-ed25519',
    });
    expect(checkHostKey(file, 'h', 2200, bad)).toEqual({ status: 'revoked', line: 4 });
    expect(checkHostKey(file, 'other', 22, blob())).toEqual({ status: 'unknown' });
    expect(checkHostKey(join(dir, 'missing'), 'h', 22, good)).toEqual({ status: 'unknown' });
  });

  it('fingerprints like ssh-keygen -l (SHA256, unpadded base64)', () => {
    expect(fingerprint(Buffer.from('abc'))).toBe('SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0');
  });

  it('accept-new appends, strict refuses with the fingerprint, changed keys are refused even with accept-new', () => {
    const file = join(dir, 'kh2');
    writeFileSync(file, 'x ssh-rsa AAAA');
    const key = blob();
    const state: { problem?: string } = {};
    expect(hostKeyVerifier(state, { file, host: 'h', port: 22, acceptNew: false })(key)).toBe(false);
    expect(state.problem).toContain(`is not known (ssh-ed25519 ${fingerprint(key)})`);
    expect(hostKeyVerifier({}, { file, host: 'h', port: 22, acceptNew: true })(key)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(`x ssh-rsa AAAA\nh ssh-ed25519 ${key.toString('base64')}\n`);
    const s2: { problem?: string } = {};
    expect(hostKeyVerifier(s2, { file, host: 'h', port: 22, acceptNew: true })(blob())).toBe(false);
    expect(s2.problem).toMatch(/has CHANGED .*kh2:2 has a different ssh-ed25519 key/);
  });

  it('prefers the key types already known for the host', () => {
    const file = join(dir, 'kh3');
    appendHostKey(file, 'h', 22, blob('ssh-rsa'));
    expect(preferredHostKeyAlgorithms(file, 'h', 22).slice(0, 3)).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
    ]);
    expect(preferredHostKeyAlgorithms(file, 'other', 22)[0]).toBe('ssh-ed25519');
  });
});

describe('sshArgOptions', () => {
  it("reads Ansible's ssh args for the known_hosts file and the host key policy", async () => {
    const { sshArgOptions } = await import('./factory.js');
    expect(sshArgOptions('-o UserKnownHostsFile=/tmp/kh -o StrictHostKeyChecking=yes')).toEqual({
      knownHostsFile: '/tmp/kh',
      acceptNewHostKeys: false,
    });
    expect(sshArgOptions('-o "StrictHostKeyChecking=accept-new" -C')).toEqual({ acceptNewHostKeys: true });
    expect(sshArgOptions(undefined)).toEqual({});
  });
});
