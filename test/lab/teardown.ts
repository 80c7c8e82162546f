/**
 * Tearing labs down, from a live Lab object or from a state file after a crash: kill every process
 * living in the hosts' namespaces (found through /proc, since hosts share the PID space), then remove
 * namespaces, bridge, subnet reservation, state file and directory. Every step tolerates "already gone".
 */
import { readFile, readdir, rm } from 'node:fs/promises';
import { deleteNetwork, STATE_DIR } from './netns.js';
import { isAlive, killAndWait, nsIdOf, pidsInNamespaces, run, startTimeOf } from './proc.js';
import { readStates, removeState } from './state.js';
import type { LabState } from './types.js';

/** Stop everything a state describes. */
export async function teardown(state: LabState): Promise<void> {
  const mnt = new Set(state.hosts.map((h) => h.mntNs).filter((x): x is string => x !== null));
  const net = new Set<string>();
  for (const h of state.hosts) {
    const id = h.netns ? await nsIdOf(`/run/netns/${h.netns}`) : null;
    if (id !== null) net.add(id);
  }
  const pids = new Set<number>();
  for (const list of (await pidsInNamespaces('mnt', mnt)).values()) list.forEach((p) => pids.add(p));
  for (const list of (await pidsInNamespaces('net', net)).values()) list.forEach((p) => pids.add(p));
  for (const h of state.hosts)
    if (h.holderPid > 0 && mnt.size > 0 && (await isAlive(h.holderPid))) pids.add(h.holderPid);
  // Keep going when a process refuses to die: the network and files still go, then the error is raised.
  const killed = await killAndWait([...pids]).then(
    () => null,
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
  await deleteNetwork(
    state.bridge,
    state.hosts.map((h) => h.netns).filter((x): x is string => x !== null),
    state.subnet,
  );
  if (state.ownsDir) await rm(state.dir, { recursive: true, force: true, maxRetries: 3 });
  await removeState(state.id);
  if (killed) throw new Error(`lab ${state.id}: ${killed.message}`);
}

/** True when the process that started a lab still runs (and is not this one). */
async function ownerRuns(st: LabState): Promise<boolean> {
  if (st.ownerPid <= 0 || st.ownerPid === process.pid || !(await isAlive(st.ownerPid))) return false;
  return !st.ownerStart || (await startTimeOf(st.ownerPid)) === st.ownerStart;
}

/** Options of stopAllLabs. */
export interface StopAllOptions {
  /** also stop labs whose owning process is still alive (e.g. another test run) */
  all?: boolean;
  /** only consider these lab ids (tests use it to leave other people's persistent labs alone) */
  ids?: string[];
}

/**
 * `lab:down`: remove every lab whose owner is gone (or that was started persistent), then network
 * objects and reservations that no state file accounts for (a crash between steps). Returns the ids
 * removed and the ids skipped because their owner still runs.
 */
export async function stopAllLabs(
  opts: StopAllOptions = {},
): Promise<{ stopped: string[]; skipped: string[] }> {
  const stopped: string[] = [];
  const skipped: string[] = [];
  const states = await readStates();
  for (const st of states) {
    if (opts.ids && !opts.ids.includes(st.id)) continue;
    if (!opts.all && (await ownerRuns(st))) {
      skipped.push(st.id);
      continue;
    }
    await teardown(st);
    stopped.push(st.id);
  }
  const live = new Set(skipped);
  await removeOrphans(live);
  return { stopped, skipped };
}

/** Namespaces `cfl-<id>-N`, bridges `cflb<id>` and `net-*` reservations of labs without a state file. */
async function removeOrphans(keep: Set<string>): Promise<void> {
  const known = new Set([...keep, ...(await readStates()).map((s) => s.id)]);
  const nsList = (await run('ip', ['netns', 'list'])).stdout;
  const orphanNs = [...nsList.matchAll(/^cfl-([0-9a-f]{6})-\d+/gm)].filter((m) => !known.has(m[1]));
  const links = (await run('ip', ['-o', 'link', 'show', 'type', 'bridge'])).stdout;
  const orphanBr = [...links.matchAll(/^\d+: cflb([0-9a-f]{6})[:@]/gm)].filter((m) => !known.has(m[1]));
  const ids = new Set([...orphanNs, ...orphanBr].map((m) => m[1]));
  for (const id of ids) {
    await teardown({
      id,
      dir: '',
      ownerPid: 0,
      netns: true,
      ownsDir: false,
      bridge: orphanBr.some((m) => m[1] === id) ? `cflb${id}` : null,
      subnet: null,
      hosts: orphanNs
        .filter((m) => m[1] === id)
        .map((m) => ({ name: m[0], netns: m[0], mntNs: null, holderPid: 0, veth: null })),
    });
  }
  for (const f of (await readdir(STATE_DIR).catch(() => [] as string[])).filter((n) =>
    n.startsWith('net-'),
  )) {
    const owner = (await readFile(`${STATE_DIR}/${f}`, 'utf8').catch(() => '')).trim();
    if (owner !== '' && !known.has(owner)) await rm(`${STATE_DIR}/${f}`, { force: true });
  }
}
