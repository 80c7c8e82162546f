import { describe, expect, it } from 'vitest';
import { redact, redactValue, registerSecret } from './redact.js';

describe('redact', () => {
  it('hides registered secrets and private-key blocks everywhere', () => {
    registerSecret('s3cr3t-tsig-value');
    const key = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----';
    const out = redact(`secret=s3cr3t-tsig-value key=${key}`);
    expect(out).not.toContain('s3cr3t-tsig-value');
    expect(out).not.toContain('MHcCAQEE');
    expect(out).toContain('********');
    expect(redactValue({ a: ['x s3cr3t-tsig-value'], n: 1 })).toEqual({ a: ['x ********'], n: 1 });
  });

  it('ignores values too short to be secrets', () => {
    registerSecret('ab');
    expect(redact('ab cd')).toBe('ab cd');
  });
});
