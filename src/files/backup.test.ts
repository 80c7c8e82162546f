import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { newBackupDir, staleBackupCleanup } from './backup.js';

const now = Date.now();
const old = `/var/tmp/certfleet-txn-${now - 2 * 3600_000}-test${process.pid}`;
const fresh = `/var/tmp/certfleet-txn-${now - 60_000}-test${process.pid}`;
const odd = `/var/tmp/certfleet-txn-notatime-test${process.pid}`;
afterAll(() => {
  for (const d of [old, fresh, odd]) rmSync(d, { recursive: true, force: true });
});

describe('stale transaction backups', () => {
  it('removes backups over an hour old, keeps recent ones and names it did not make', () => {
    for (const d of [old, fresh, odd]) mkdirSync(`${d}/x`, { recursive: true, mode: 0o700 });
    execFileSync('sh', ['-c', staleBackupCleanup(now)]);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(odd)).toBe(true);
    // the names it makes carry the time it compares
    expect(newBackupDir()).toMatch(/^\/var\/tmp\/certfleet-txn-\d{13}-[0-9a-f]{8}$/);
  });
});
