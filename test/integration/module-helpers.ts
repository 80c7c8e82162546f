/**
 * Helpers for the module tests: a hand-built ModuleContext over a real SshConnection to a lab host,
 * and a host-side fingerprint of paths (sha256 + mode + owner) to prove check mode writes nothing.
 */
import { expect } from 'vitest';
import type { Connection } from '../../src/connections/connection.js';
import { SshConnection, type SshOptions } from '../../src/connections/ssh.js';
import { renderString } from '../../src/template/render.js';
import type { Lab, LabHost } from '../lab/index.js';
import type { ModuleContext, ModuleDef, ModuleResult } from '../../src/modules/types.js';

/** An SSH connection to a lab host with strict host-key checking. */
export function labConnection(lab: Lab, host: LabHost, opts: Partial<SshOptions> = {}): SshConnection {
  return new SshConnection(host.name, {
    host: host.ip,
    port: host.port,
    user: 'root',
    privateKeyPath: lab.keyFile,
    knownHostsFile: lab.knownHostsFile,
    ...opts,
  });
}

/** Options of one module call. */
export interface CallOptions {
  check?: boolean;
  diff?: boolean;
  vars?: Record<string, unknown>;
  dir?: string;
  facts?: Record<string, unknown>;
  warnings?: string[];
  become?: boolean;
}

/** Run a module the way the engine does: a ModuleContext built by hand. */
export function callModule<P>(
  def: ModuleDef<P>,
  conn: Connection,
  params: P,
  o: CallOptions = {},
): Promise<ModuleResult> {
  const vars = o.vars ?? {};
  const dir = o.dir ?? '/nonexistent';
  const ctx: ModuleContext<P> = {
    params,
    host: conn.host,
    vars,
    facts: o.facts ?? {},
    conn,
    check: o.check ?? false,
    diff: o.diff ?? false,
    become: o.become ?? false,
    searchPaths: { files: [`${dir}/files`], templates: [`${dir}/templates`] },
    playbookDir: dir,
    render: (t) => renderString(t, vars),
    warn: (m) => o.warnings?.push(m),
    signal: new AbortController().signal,
  };
  return def.run(ctx);
}

/** `sha256 mode owner:group type` of each path on the host ('absent' when missing). */
export async function fingerprintPaths(host: LabHost, paths: string[]): Promise<string> {
  const cmd = paths
    .map(
      (p) =>
        `if [ -L '${p}' ]; then echo "link $(readlink '${p}')"; elif [ -d '${p}' ]; then stat -c 'dir %a %U:%G' '${p}'; ` +
        `elif [ -e '${p}' ]; then echo "$(sha256sum < '${p}' | cut -c1-64) $(stat -c '%a %U:%G' '${p}')"; else echo absent; fi`,
    )
    .join('; ');
  const r = await host.exec(cmd);
  expect(r.code).toBe(0);
  return r.stdout;
}

/**
 * The four properties every module must have: check mode reports the change and writes nothing,
 * the first run changes (with a diff when asked), the second run is unchanged, and check mode then
 * reports no change either. Returns the first real run's result.
 */
export async function expectIdempotent<P>(
  def: ModuleDef<P>,
  conn: SshConnection,
  host: LabHost,
  params: P,
  paths: string[],
  o: CallOptions = {},
): Promise<ModuleResult> {
  const before = await fingerprintPaths(host, paths);
  const checked = await callModule(def, conn, params, { ...o, check: true, diff: true });
  expect(checked.changed).toBe(true);
  expect(await fingerprintPaths(host, paths)).toBe(before);
  const first = await callModule(def, conn, params, { ...o, diff: true });
  expect(first.changed).toBe(true);
  expect(await fingerprintPaths(host, paths)).not.toBe(before);
  const after = await fingerprintPaths(host, paths);
  const second = await callModule(def, conn, params, { ...o, diff: true });
  expect(second.changed).toBe(false);
  expect(second.diff ?? []).toEqual([]);
  expect((await callModule(def, conn, params, { ...o, check: true })).changed).toBe(false);
  expect(await fingerprintPaths(host, paths)).toBe(after);
  return first;
}
