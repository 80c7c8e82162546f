import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { issue } from '../../test/lab/pki.js';
import { ConfigError } from '../errors.js';
import { liveSerials } from './audit.js';

describe('audit --state-dir', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cf-audit-state-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the serial of each managed name's live certificate", () => {
    const c = issue(dir, { cn: 'shop.example', names: ['shop.example'] });
    mkdirSync(join(dir, 'state', 'certs', 'shop', 'live'), { recursive: true });
    mkdirSync(join(dir, 'state', 'certs', 'pending'), { recursive: true });
    writeFileSync(join(dir, 'state', 'certs', 'shop', 'live', 'cert.pem'), c.cert);
    expect(liveSerials(join(dir, 'state'))).toEqual(
      new Map([['shop', new X509Certificate(c.cert).serialNumber]]),
    );
  });

  it('is bad input when the directory has no certs/', () => {
    expect(() => liveSerials(join(dir, 'nope'))).toThrow(ConfigError);
    expect(() => liveSerials(join(dir, 'nope'))).toThrow(
      `--state-dir: ${join(dir, 'nope')} has no certs/ directory`,
    );
  });
});
