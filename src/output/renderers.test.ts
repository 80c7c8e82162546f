import { describe, expect, it } from 'vitest';
import type { RunEvent } from './events.js';
import { jsonRenderer } from './json.js';
import { plainRenderer } from './plain.js';
import { registerSecret } from './redact.js';

const zero = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
const events: RunEvent[] = [
  { event: 'run_start', playbook: '/p/site.yml', check: false, diff: true },
  { event: 'play_start', play: 'web', hosts: ['web1', 'db-long-name'] },
  {
    event: 'task_start',
    task: 'say',
    module: 'debug',
    source: '/p/site.yml:5:7',
    handler: false,
    hosts: ['web1'],
  },
  { event: 'host_result', task: 'say', host: 'web1', status: 'ok', msg: 'token=hunter2-secret' },
  {
    event: 'task_start',
    task: 'files',
    module: 'copy',
    source: '/p/site.yml:8:7',
    handler: false,
    hosts: ['web1'],
  },
  {
    event: 'host_result',
    task: 'files',
    host: 'web1',
    status: 'changed',
    item: 'a',
    diff: [{ path: '/etc/x', unified: '--- /etc/x\n+++ /etc/x\n-old\n+new\n' }],
  },
  { event: 'host_result', task: 'files', host: 'db-long-name', status: 'failed', item: 'b', msg: 'boom' },
  { event: 'host_result', task: 'files', host: 'web1', status: 'ignored', msg: 'meh' },
  { event: 'host_result', task: 'files', host: 'gone', status: 'unreachable', msg: 'gone: refused' },
  { event: 'host_result', task: 'files', host: 'web1', status: 'skipped' },
  {
    event: 'task_start',
    task: 'reload',
    module: 'service',
    source: '/p/site.yml:20:7',
    handler: true,
    hosts: ['web1'],
  },
  { event: 'host_result', task: 'reload', host: 'web1', status: 'changed', delegated_to: 'localhost' },
  { event: 'warning', message: 'careful' },
  {
    event: 'recap',
    hosts: { web1: { ...zero, ok: 3, changed: 2, ignored: 1 }, 'db-long-name': { ...zero, failed: 1 } },
  },
  { event: 'run_end', exit_code: 2, duration_ms: 12 },
];

describe('renderers', () => {
  it('plain: Ansible-like lines, aligned recap, warnings on stderr, secrets redacted', () => {
    registerSecret('hunter2-secret');
    let out = '';
    let err = '';
    const r = plainRenderer({ write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
    events.forEach(r);
    expect(out).toMatchInlineSnapshot(`
      "
      PLAY [web] *********************************************************************

      TASK [say] *********************************************************************
      ok: [web1] => token=********

      TASK [files] *******************************************************************
      changed: [web1] => (item=a)
      --- /etc/x
      +++ /etc/x
      -old
      +new
      failed: [db-long-name] => (item=b) => boom
      failed: [web1] => meh
      ...ignoring
      fatal: [gone]: UNREACHABLE! => gone: refused
      skipping: [web1]

      RUNNING HANDLER [reload] *******************************************************
      changed: [web1 -> localhost]

      PLAY RECAP *********************************************************************
      db-long-name : ok=0   changed=0   unreachable=0   failed=1   skipped=0   rescued=0   ignored=0
      web1         : ok=3   changed=2   unreachable=0   failed=0   skipped=0   rescued=0   ignored=1
      "
    `);
    expect(err).toBe('[WARNING]: careful\n');
  });

  it('json: one versioned object per line', () => {
    let out = '';
    const r = jsonRenderer({ write: (s: string) => (out += s) });
    events.forEach(r);
    const lines = out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(events.length);
    for (const l of lines) {
      expect(l.v).toBe(1);
      expect(typeof l.ts).toBe('string');
    }
    expect(lines.map((l) => l.event)).toEqual(events.map((e) => e.event));
    expect(out).not.toContain('hunter2-secret');
    expect(lines[3]).toMatchObject({ host: 'web1', status: 'ok', msg: 'token=********' });
  });
});
