import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ed25519KeyPair } from './ssh-keys.js';

const run = promisify(execFile);

describe('ed25519KeyPair', () => {
  it('writes keys that OpenSSH reads back to the same public key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'certfleet-keys-'));
    try {
      for (const comment of ['a', 'root@host01', 'certfleet-lab-abcdef']) {
        const pair = ed25519KeyPair(comment);
        const file = join(dir, 'key');
        await writeFile(file, pair.privateKey, { mode: 0o600 });
        const { stdout } = await run('ssh-keygen', ['-y', '-f', file]);
        // ssh-keygen -y prints the comment stored inside the private key, so all three parts must match.
        expect(stdout.trim()).toBe(pair.publicKey);
        await rm(file);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('makes a fresh key every time', () => {
    expect(ed25519KeyPair('x').publicKey).not.toBe(ed25519KeyPair('x').publicKey);
  });
});
