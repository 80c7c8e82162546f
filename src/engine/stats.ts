/**
 * Per-host counters shown in the PLAY RECAP, with Ansible's meaning: `ok` counts every task that
 * ran without failing (changed ones and ignored failures too), `changed` those that changed
 * something.
 */
import type { HostStats } from '../output/events.js';

/**
 * Counters of every host a task result was counted for, in first-seen order; as in Ansible, a host
 * no task ran on (a later batch after the play was aborted, everything skipped by tags) has none.
 */
export class Stats {
  readonly hosts = new Map<string, HostStats>();

  /** The counters of a host (created at zero). */
  of(host: string): HostStats {
    let s = this.hosts.get(host);
    if (!s) {
      s = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
      this.hosts.set(host, s);
    }
    return s;
  }

  /** Count one task result. */
  count(host: string, status: 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'ignored'): void {
    const s = this.of(host);
    if (status === 'changed') {
      s.ok++;
      s.changed++;
    } else s[status]++;
  }

  /** Plain object for the recap event. */
  toJSON(): Record<string, HostStats> {
    return Object.fromEntries(this.hosts);
  }
}
