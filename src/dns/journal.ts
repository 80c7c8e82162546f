/**
 * The DNS cleanup journal: every TXT value is recorded in the state store before it is presented and
 * forgotten once cleaned up, so records left by a crashed run can be removed later. No secret is
 * stored: a provider config is supplied again by whoever cleans up.
 */
import { readFileSync } from 'node:fs';
import type { Journal, StateStore } from '../store/types.js';
import type { DnsChallenge } from './provider.js';

/** What identifies a journaled value. */
export interface JournalKey extends DnsChallenge {
  /** provider code (canonical, not alias) */
  provider: string;
}

/** One value that may still be in DNS. */
export interface JournalEntry extends JournalKey {
  /** the run that added it */
  run: string;
  pid: number;
  addedAt: string;
}

/** The DNS journal of a store (`dns-journal.json` in a state directory). */
export function dnsJournal(store: StateStore): Journal<JournalEntry, JournalKey> {
  return store.journal<JournalEntry, JournalKey>(
    'dns',
    (a, b) => a.provider === b.provider && a.fqdn === b.fqdn && a.value === b.value,
  );
}

/** Whether a process is alive (a zombie counts as gone: PID 1 reaps late here, LAB-NOTES). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/PID/stat: "pid (comm) STATE ..."; Z = exited, not reaped yet
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
