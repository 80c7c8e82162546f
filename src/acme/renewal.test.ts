import { describe, expect, it } from 'vitest';
import { chooseInWindow, decide, domainChange } from './renewal.js';
import type { CertMeta } from '../store/types.js';

const DAY = 86_400_000;
function meta(days: number, issuedDaysAgo: number, extra: Partial<CertMeta> = {}): CertMeta {
  const now = Date.parse('2026-06-01T00:00:00Z');
  return {
    name: 'w',
    domains: ['*.example.test', 'example.test'],
    serial: '01',
    key_type: 'ec256',
    issuer: 'x',
    directory: 'd',
    not_before: new Date(now - issuedDaysAgo * DAY).toISOString(),
    not_after: new Date(now - issuedDaysAgo * DAY + days * DAY).toISOString(),
    version: 1,
    issued_at: '',
    ...extra,
  };
}
const now = new Date('2026-06-01T00:00:00Z');
const base = { domains: ['example.test', '*.example.test'], keyType: 'ec256', now };

describe('decide', () => {
  it('issues when nothing is stored', () => {
    expect(decide({ ...base })).toEqual({ action: 'issue', reason: 'no certificate' });
  });
  it('renews on a domain change, naming what changed', () => {
    const d = decide({ ...base, meta: meta(90, 1), domains: ['example.test', 'www.example.test'] });
    expect(d.action).toBe('renew');
    expect(d.reason).toBe('domains changed: +www.example.test -*.example.test');
  });
  it('renews on a key type change', () => {
    expect(decide({ ...base, meta: meta(90, 1), keyType: 'rsa2048' }).reason).toBe(
      'key type changed ec256→rsa2048',
    );
  });
  it('keeps a 90-day certificate until 1/3 of its life is left', () => {
    const keep = decide({ ...base, meta: meta(90, 59) });
    expect(keep).toMatchObject({ action: 'none', reason: '31 of 90 days left (renew at 1/3)' });
    expect(keep.renewAt).toBe(new Date(Date.parse(meta(90, 59).not_after) - 30 * DAY).toISOString());
    expect(decide({ ...base, meta: meta(90, 78) })).toMatchObject({
      action: 'renew',
      reason: '12 of 90 days left (renew at 1/3)',
    });
  });
  it('uses 1/2 for short-lived certificates (≤ 10 days)', () => {
    expect(decide({ ...base, meta: meta(6, 2) })).toMatchObject({
      action: 'none',
      reason: '4 of 6 days left (renew at 1/2)',
    });
    expect(decide({ ...base, meta: meta(6, 3.5) })).toMatchObject({
      action: 'renew',
      reason: '2.5 of 6 days left (renew at 1/2)',
    });
  });
  it('honours a configured fraction', () => {
    expect(decide({ ...base, meta: meta(90, 50), fraction: 0.5 })).toMatchObject({
      action: 'renew',
      reason: '40 of 90 days left (renew at 1/2)',
    });
  });
  it('renews when forced or expired', () => {
    expect(decide({ ...base, meta: meta(90, 1), force: true }).reason).toBe('forced');
    expect(decide({ ...base, meta: meta(90, 91) }).action).toBe('renew');
  });
  it('follows the ARI window over the lifetime rule', () => {
    const ari = { start: '2026-06-10T00:00:00.000Z', end: '2026-06-12T00:00:00.000Z' };
    const d = decide({ ...base, meta: meta(90, 78), ari, random: () => 0.5 });
    expect(d).toEqual({
      action: 'none',
      reason: 'ARI window starts 2026-06-10T00:00:00.000Z; chosen 2026-06-11T00:00:00.000Z',
      renewAt: '2026-06-11T00:00:00.000Z',
    });
    const past = { start: '2026-05-01T00:00:00.000Z', end: '2026-05-02T00:00:00.000Z' };
    expect(decide({ ...base, meta: meta(90, 1), ari: past, random: () => 0.1 }).action).toBe('renew');
  });
});

describe('chooseInWindow', () => {
  const win = { start: '2026-06-10T00:00:00.000Z', end: '2026-06-12T00:00:00.000Z' };
  it('keeps a previous choice inside the same window and re-picks when the window moved', () => {
    expect(chooseInWindow(win, '2026-06-11T05:00:00.000Z', () => 0)).toBe('2026-06-11T05:00:00.000Z');
    expect(chooseInWindow(win, '2026-07-01T00:00:00.000Z', () => 0)).toBe('2026-06-10T00:00:00.000Z');
  });
  it('spreads choices uniformly over the window', () => {
    const picks = Array.from({ length: 2000 }, () => Date.parse(chooseInWindow(win, undefined)));
    const firstHalf = picks.filter((p) => p < Date.parse('2026-06-11T00:00:00Z')).length;
    expect(Math.min(...picks)).toBeGreaterThanOrEqual(Date.parse(win.start));
    expect(Math.max(...picks)).toBeLessThanOrEqual(Date.parse(win.end));
    expect(firstHalf).toBeGreaterThan(850);
    expect(firstHalf).toBeLessThan(1150);
  });
});

describe('domainChange', () => {
  it('compares as case-insensitive sets', () => {
    expect(domainChange(['A.example', 'b.example'], ['b.example', 'a.example'])).toBe('');
  });
});
