/**
 * Helpers for the engine tests: an in-memory inventory of `ansible_connection: local` hosts (each
 * with its own temp dir), a small real module writing files through the connection, and a run
 * wrapper that collects events and the plain output.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultConnectionFactory } from '../../src/engine/connect.js';
import { runPlaybook, type RunOptions } from '../../src/engine/run-playbook.js';
import type { Inventory } from '../../src/inventory/types.js';
import { getModule, registerModule } from '../../src/modules/registry.js';
import type { ModuleDef } from '../../src/modules/types.js';
import type { RunEvent } from '../../src/output/events.js';
import { plainRenderer } from '../../src/output/plain.js';
import { shellQuote } from '../../src/connections/connection.js';
import { loadInventory } from '../../src/inventory/load.js';
import { selectHosts } from '../../src/inventory/patterns.js';

/** Build an Inventory: `groups` maps group → hosts, `vars` host → vars. */
export function memoryInventory(
  groups: Record<string, string[]>,
  vars: Record<string, Record<string, unknown>> = {},
  groupVars: Record<string, Record<string, unknown>> = {},
): Inventory {
  const names = [...new Set([...Object.values(groups).flat(), ...Object.keys(vars)])];
  const groupsOf = (h: string) => ['all', ...Object.keys(groups).filter((g) => groups[g].includes(h))];
  return {
    hosts: new Map(names.map((n) => [n, { name: n, vars: vars[n] ?? {}, groups: groupsOf(n).slice(1) }])),
    groups: new Map([
      ['all', { name: 'all', hosts: [], children: Object.keys(groups), vars: groupVars.all ?? {} }],
      ...Object.entries(groups).map(
        ([g, hs]) => [g, { name: g, hosts: hs, children: [], vars: groupVars[g] ?? {} }] as const,
      ),
    ]),
    hostVars: (h) => ({
      ...groupVars.all,
      ...Object.assign(
        {},
        ...groupsOf(h)
          .slice(1)
          .map((g) => groupVars[g] ?? {}),
      ),
      ...vars[h],
      inventory_hostname: h,
      group_names: groupsOf(h).slice(1),
    }),
    groupsOf,
  };
}

/** `a:b` unions of host/group names, `all`, `!x` exclusions (enough for these tests). */
export function simpleSelect(inv: Inventory, pattern: string): string[] {
  const parts = pattern.split(/[:,]/).filter(Boolean);
  const expand = (p: string): string[] =>
    p === 'all' || p === '*'
      ? [...inv.hosts.keys()]
      : (inv.groups.get(p)?.hosts ?? (inv.hosts.has(p) ? [p] : []));
  const inc = parts.filter((p) => !p.startsWith('!')).flatMap(expand);
  const exc = new Set(parts.filter((p) => p.startsWith('!')).flatMap((p) => expand(p.slice(1))));
  return [...new Set(inc)].filter((h) => !exc.has(h));
}

/** A real file-writing module used through the connection (changed only when content differs). */
export const writeFileModule: ModuleDef<{ path: string; content: string }> = {
  name: 'test_write_file',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path', 'content'],
    properties: { path: { type: 'string' }, content: { type: 'string' } },
  },
  checkMode: 'full',
  diffMode: 'full',
  async run(ctx) {
    const { path, content } = ctx.params;
    const r = await ctx.conn.exec(`cat ${shellQuote(path)} 2>/dev/null`);
    const before = r.code === 0 ? r.stdout : '';
    if (r.code === 0 && before === content) return { changed: false };
    if (!ctx.check) await ctx.conn.put(content, path);
    return {
      changed: true,
      diff: [
        { path, before, after: content, unified: `--- ${path}\n+++ ${path}\n-${before}\n+${content}\n` },
      ],
    };
  },
};
if (!getModule(writeFileModule.name)) registerModule(writeFileModule);

/** A temp project dir; `write(rel, text)` creates files in it. */
export function tempProject(): { dir: string; write(rel: string, text: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `cf-engine-${process.pid}-`));
  return {
    dir,
    write(rel, text) {
      const p = join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Run a playbook and collect everything. */
export async function run(opts: Partial<RunOptions> & { playbook: string; inventory: Inventory }): Promise<{
  exitCode: number;
  events: RunEvent[];
  out: string;
  err: string;
  recap: Record<string, Record<string, number>>;
}> {
  const events: RunEvent[] = [];
  let out = '';
  let err = '';
  const plain = plainRenderer({ write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  const { exitCode, stats } = await runPlaybook({
    selectHosts,
    connect: defaultConnectionFactory(),
    emit: (e) => {
      events.push(e);
      plain(e);
    },
    ...opts,
  });
  return {
    exitCode,
    events,
    out,
    err,
    recap: stats.toJSON() as unknown as Record<string, Record<string, number>>,
  };
}

/** Load a real inventory file written into the project (the inventory helper's loader). */
export function loadInv(path: string): Promise<Inventory> {
  return loadInventory([path]);
}
