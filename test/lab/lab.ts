/**
 * startLab: a fleet of simulated hosts on this machine. Each host gets a network namespace with its
 * own address on a lab bridge (or, where namespaces are refused, a loopback port), a private /etc,
 * /run, /var/log, /root and /tmp, its own sshd and its web servers. Hosts boot in parallel.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHolder } from './holder.js';
import { prepareHostDir } from './host-dir.js';
import { bootHost, type RunningHost } from './hosts.js';
import { knownHostsLines, labInventory } from './inventory.js';
import { createNetwork, netnsSupported, type LabNetwork } from './netns.js';
import { generateKey } from './sshd.js';
import { guardLab, unguardLab } from './exit-guard.js';
import { startTimeOf } from './proc.js';
import { StateWriter, stateFile, writeFileAtomic } from './state.js';
import { teardown } from './teardown.js';
import { freePort } from './ports.js';
import { assignPorts, mapLimit, normalise } from './specs.js';
import type { Lab, LabHostSpec, LabState, StartLabOptions } from './types.js';

/** A fresh lab id and state (saved first, so a crash mid-start is still cleaned up). */
async function newLabState(opts: StartLabOptions, useNetns: boolean): Promise<LabState> {
  let id = randomBytes(3).toString('hex');
  while (existsSync(stateFile(id))) id = randomBytes(3).toString('hex');
  const dir = opts.dir ?? join(tmpdir(), `certfleet-lab-${id}`);
  const ownsDir = opts.dir === undefined || !(await stat(opts.dir).catch(() => null));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return {
    id,
    dir,
    ownerPid: opts.persistent ? 0 : process.pid,
    ownerStart: opts.persistent ? 0 : ((await startTimeOf(process.pid)) ?? 0),
    netns: useNetns,
    ownsDir,
    bridge: null,
    subnet: null,
    hosts: [],
  };
}

/** What every host's boot needs from the lab. */
interface BootContext {
  state: LabState;
  writer: StateWriter;
  net: LabNetwork | null;
  controlIp: string;
  labPublicKey: string;
  peers: { name: string; ip: string }[];
}

/** Prepare, boot and start the services of host `i`; its host key for known_hosts. */
async function startHost(
  c: BootContext,
  spec: Required<LabHostSpec>,
  i: number,
): Promise<{ host: RunningHost; publicKey: string }> {
  const { state, net } = c;
  const hdir = join(state.dir, spec.name);
  const ip = net ? net.hosts[i].ip : '127.0.0.1';
  const port = net ? 22 : await freePort();
  const ports = await assignPorts(spec.services, state.netns);
  const publicKey = await prepareHostDir({
    dir: hdir,
    name: spec.name,
    distro: spec.distro,
    ip,
    port,
    ports,
    labPublicKey: c.labPublicKey,
    peers: c.peers,
  });
  const netns = net ? net.hosts[i].netns : null;
  const holderPid = await startHolder({ dir: hdir, name: spec.name, netns, ip, controlIp: c.controlIp });
  state.hosts[i].holderPid = holderPid;
  const host = await bootHost({
    ...spec,
    ports,
    dir: hdir,
    ip,
    port,
    holderPid,
    netns,
    veth: state.hosts[i].veth,
  });
  state.hosts[i].mntNs = host.mntNs;
  await c.writer.save();
  for (const s of spec.services) await host.startService(s);
  return { host, publicKey };
}

/** Start a lab; on any failure everything already started is stopped before the error is rethrown. */
export async function startLab(opts: StartLabOptions): Promise<Lab> {
  const specs = normalise(opts.hosts);
  const useNetns = opts.netns === false ? false : await netnsSupported();
  if (opts.netns === true && !useNetns) throw new Error('lab: network namespaces are not available here');
  const state = await newLabState(opts, useNetns);
  const { dir, id } = state;
  if (!opts.persistent) guardLab(state);
  const writer = new StateWriter(state);
  await writer.save();
  try {
    const keyFile = join(dir, 'id_ed25519');
    const labPublicKey = await generateKey(keyFile, `certfleet-lab-${id}`);
    const net = useNetns ? await createNetwork(id, specs.length) : null;
    state.bridge = net?.bridge ?? null;
    state.subnet = net?.prefix ?? null;
    state.hosts = specs.map((s, i) => ({
      name: s.name,
      netns: net ? net.hosts[i].netns : null,
      veth: net ? net.hosts[i].veth : null,
      mntNs: null,
      holderPid: 0,
    }));
    await writer.save();
    const controlIp = net ? net.controlIp : '127.0.0.1';
    // With namespaces hosts can reach each other and the control node by name, as on a real LAN.
    const peers = net
      ? [
          { name: 'certfleet-control', ip: net.controlIp },
          ...specs.map((s, i) => ({ name: s.name, ip: net.hosts[i].ip })),
        ]
      : [];
    const ctx: BootContext = { state, writer, net, controlIp, labPublicKey, peers };
    const hosts = await mapLimit(specs, 24, (spec, i) => startHost(ctx, spec, i));
    const knownHostsFile = join(dir, 'known_hosts');
    await writeFileAtomic(
      knownHostsFile,
      knownHostsLines(hosts.map(({ host, publicKey }) => ({ ip: host.ip, port: host.port, publicKey }))),
    );
    const inventoryFile = join(dir, 'inventory.yml');
    const running = hosts.map((h) => h.host);
    await writeFileAtomic(inventoryFile, labInventory(running, keyFile, knownHostsFile));
    await writer.save();
    return makeLab(state, writer, controlIp, keyFile, knownHostsFile, inventoryFile, running);
  } catch (err) {
    await writer.save().catch(() => undefined);
    await teardown(state);
    unguardLab(state.id);
    throw err;
  }
}

function makeLab(
  state: LabState,
  writer: StateWriter,
  controlIp: string,
  keyFile: string,
  knownHostsFile: string,
  inventoryFile: string,
  hosts: RunningHost[],
): Lab {
  let stopping: Promise<void> | null = null;
  return {
    id: state.id,
    dir: state.dir,
    hosts,
    controlIp,
    netns: state.netns,
    keyFile,
    knownHostsFile,
    inventoryFile,
    stop() {
      // Idempotent and safe to call twice concurrently: both callers wait for the same teardown.
      stopping ??= writer
        .save()
        .then(() => teardown(state))
        .then(() => unguardLab(state.id));
      return stopping;
    },
  };
}
