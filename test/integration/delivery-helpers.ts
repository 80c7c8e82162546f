/**
 * Helpers of the delivery tests: a local CA and certificates made with openssl and laid out like the
 * ACME store (`<state>/certs/NAME/live/*.pem`), SSH connections to lab hosts, and a ModuleContext
 * for calling a module's `run` directly the way the engine does.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SshConnection } from '../../src/connections/ssh.js';
import type { Connection } from '../../src/connections/connection.js';
import type { Lab, LabHost } from '../lab/index.js';
import { leafFiles, selfSignedFiles } from '../lab/pki.js';
import type { ModuleContext, ModuleDef, ModuleResult } from '../../src/modules/types.js';
import { defaultConnectionFactory } from '../../src/engine/connect.js';
import { runPlaybook } from '../../src/engine/run-playbook.js';
import type { HostStats } from '../../src/output/events.js';
import { renderString } from '../../src/template/render.js';
import { loadInventory } from '../../src/inventory/load.js';
import { selectHosts } from '../../src/inventory/patterns.js';
import type { RunEvent } from '../../src/output/events.js';
import { plainRenderer } from '../../src/output/plain.js';
import { loadPlaybook } from '../../src/playbook/load.js';

/** A throw-away CA on the control node. */
export interface TestCa {
  dir: string;
  certFile: string;
  keyFile: string;
  pem: string;
}

/**
 * A state dir under /var/tmp: lab hosts have their own /tmp, but share the rest of the control
 * node's filesystem (the mount method binds the store into them).
 */
export async function makeStateDir(): Promise<string> {
  return mkdtemp('/var/tmp/certfleet-delivery-');
}

/** Make a CA (EC P-256) in `dir`. */
export async function makeCa(dir: string): Promise<TestCa> {
  const certFile = join(dir, 'ca.pem');
  const keyFile = join(dir, 'ca.key');
  selfSignedFiles({ keyFile, certFile, cn: 'certfleet delivery test CA', days: 3 });
  return { dir, certFile, keyFile, pem: await readFile(certFile, 'utf8') };
}

/** Issue a leaf for `names` from `ca` into the store as certificate `name`; returns its serial (upper hex). */
export async function storeCert(
  stateDir: string,
  name: string,
  names: string[],
  ca: TestCa,
): Promise<string> {
  const live = join(stateDir, 'certs', name, 'live.new');
  await rm(live, { recursive: true, force: true });
  await mkdir(live, { recursive: true, mode: 0o700 });
  const work = await mkdtemp(join(ca.dir, 'leaf-'));
  const key = join(work, 'privkey.pem');
  const cert = join(work, 'cert.pem');
  // 16 hex digits starting with 1: even length and positive, so openssl prints it as is
  const serial = `1${randomBytes(8).toString('hex').slice(1)}`.toUpperCase();
  leafFiles({ ca, keyFile: key, certFile: cert, names, serial });
  const certPem = await readFile(cert, 'utf8');
  await writeFile(join(live, 'cert.pem'), certPem);
  await writeFile(join(live, 'chain.pem'), ca.pem);
  await writeFile(join(live, 'fullchain.pem'), certPem + ca.pem);
  await writeFile(join(live, 'privkey.pem'), await readFile(key, 'utf8'), { mode: 0o600 });
  // swap the live directory by rename, as the ACME store does
  const final = join(stateDir, 'certs', name, 'live');
  await rm(`${final}.prev`, { recursive: true, force: true });
  await rename(final, `${final}.prev`).catch(() => undefined);
  await rename(live, final);
  return serial;
}

/** An SSH connection to a lab host as root (or `user`). */
export function connect(lab: Lab, host: LabHost, user = 'root'): SshConnection {
  return new SshConnection(host.name, {
    host: host.ip,
    port: host.port,
    user,
    privateKeyPath: lab.keyFile,
    knownHostsFile: lab.knownHostsFile,
  });
}

/** Options of callModule. */
export interface CallOptions {
  check?: boolean;
  diff?: boolean;
  vars?: Record<string, unknown>;
  facts?: Record<string, unknown>;
  templates?: string[];
  playbookDir?: string;
}

/** Run a module on a connection the way the engine does (params already rendered). */
export async function callModule<P>(
  def: ModuleDef<P>,
  conn: Connection,
  params: P,
  o: CallOptions = {},
): Promise<ModuleResult> {
  const vars = { ...(o.vars ?? {}), ...(o.facts ?? {}) };
  const ctx: ModuleContext<P> = {
    params,
    host: conn.host,
    vars,
    facts: o.facts ?? {},
    conn,
    check: o.check ?? false,
    diff: o.diff ?? false,
    become: false,
    searchPaths: { files: [], templates: o.templates ?? [] },
    playbookDir: o.playbookDir ?? process.cwd(),
    render: (t) => renderString(t, vars),
    warn: () => undefined,
    signal: new AbortController().signal,
  };
  return def.run(ctx);
}

/** sha256 of files on a host (for "check mode wrote nothing"), via the lab's nsenter. */
export async function hostHashes(host: LabHost, paths: string[]): Promise<string> {
  const r = await host.exec(
    `for p in ${paths.join(' ')}; do if [ -e "$p" ]; then sha256sum "$p"; stat -c '%a %U' "$p"; else echo "absent $p"; fi; done`,
  );
  return r.stdout;
}

/** What runPlays returns: exit code, events, plain output and the recap per host. */
export interface PlayRun {
  exitCode: number;
  events: RunEvent[];
  out: string;
  recap: Record<string, HostStats>;
  /** host_result events of one host */
  results(host: string): Extract<RunEvent, { event: 'host_result' }>[];
}

/** Run a playbook file through the real engine (as `certfleet run` does) and collect everything. */
export async function runPlays(
  playbook: string,
  inventoryFile: string,
  opts: {
    check?: boolean;
    diff?: boolean;
    extraVars?: Record<string, unknown>;
    limit?: string;
    knownHostsFile?: string;
    onEvent?: (e: RunEvent) => void;
  } = {},
): Promise<PlayRun> {
  const events: RunEvent[] = [];
  let out = '';
  const plain = plainRenderer({ write: (s: string) => (out += s) }, { write: (s: string) => (out += s) });
  const { exitCode, stats } = await runPlaybook({
    playbook: await loadPlaybook(playbook),
    inventory: await loadInventory([inventoryFile]),
    selectHosts,
    check: opts.check,
    diff: opts.diff,
    limit: opts.limit,
    extraVars: opts.extraVars,
    connect: defaultConnectionFactory({ knownHostsFile: opts.knownHostsFile, timeoutMs: 5000 }),
    emit: (e) => {
      events.push(e);
      plain(e);
      opts.onEvent?.(e);
    },
  });
  const recap = stats.toJSON() as unknown as Record<string, HostStats>;
  return {
    exitCode,
    events,
    out,
    recap,
    results: (h) =>
      events.filter(
        (e): e is Extract<RunEvent, { event: 'host_result' }> => e.event === 'host_result' && e.host === h,
      ),
  };
}
