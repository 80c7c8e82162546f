/**
 * startLab: a fleet of simulated hosts on this machine. Each host gets a network namespace with its
 * own address on a lab bridge (or, where namespaces are refused, a loopback port), a private /etc,
 * /run, /var/log, /root and /tmp, its own sshd and its web servers. Hosts boot in parallel.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHolder } from './holder.js';
import { prepareHostDir } from './host-dir.js';
import { bootHost, type RunningHost } from './hosts.js';
import { knownHostsLines, labInventory } from './inventory.js';
import { createNetwork, netnsSupported, type LabNetwork } from './netns.js';
import { generateKey } from './sshd.js';
import { StateWriter, writeFileAtomic } from './state.js';
import { teardown } from './teardown.js';
import {
  LAB_DISTROS,
  LAB_SERVICES,
  type Lab,
  type LabHostSpec,
  type LabService,
  type LabState,
  type ServicePorts,
  type StartLabOptions,
} from './types.js';

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Specs from a count: host01.., distros cycled, services cycled nginx → apache2 → haproxy. */
export function defaultSpecs(count: number): Required<LabHostSpec>[] {
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => ({
    name: `host${String(i + 1).padStart(width, '0')}`,
    distro: LAB_DISTROS[i % LAB_DISTROS.length],
    services: [LAB_SERVICES[i % LAB_SERVICES.length]],
  }));
}

function normalise(hosts: number | LabHostSpec[]): Required<LabHostSpec>[] {
  if (typeof hosts === 'number') {
    if (!Number.isInteger(hosts) || hosts < 1)
      throw new Error(`lab: hosts must be a positive integer, got ${hosts}`);
    return defaultSpecs(hosts);
  }
  const seen = new Set<string>();
  return hosts.map((h) => {
    if (!NAME.test(h.name))
      throw new Error(`lab: bad host name "${h.name}" (lower-case letters, digits, dashes)`);
    if (seen.has(h.name)) throw new Error(`lab: duplicate host name "${h.name}"`);
    seen.add(h.name);
    return { name: h.name, distro: h.distro ?? 'debian', services: [...new Set(h.services ?? [])] };
  });
}

/** A free TCP port on 127.0.0.1 not already in `taken`. */
async function freePort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
    if (port > 0 && !taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
}

/**
 * Ports per service: the host's own services first. With namespaces every host has the usual ports
 * (first service 80/443, second 8080/8443, third 8081/8444); without, each gets free loopback ports.
 */
async function assignPorts(
  services: LabService[],
  netns: boolean,
  taken: Set<number>,
): Promise<Record<LabService, ServicePorts>> {
  const order = [...services, ...LAB_SERVICES.filter((s) => !services.includes(s))];
  const fixed: ServicePorts[] = [
    { http: 80, https: 443 },
    { http: 8080, https: 8443 },
    { http: 8081, https: 8444 },
  ];
  const out = {} as Record<LabService, ServicePorts>;
  for (const [i, s] of order.entries()) {
    out[s] = netns ? fixed[i] : { http: await freePort(taken), https: await freePort(taken) };
  }
  return out;
}

async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  // An object, not a `let`: TypeScript does not see assignments made inside the workers.
  const failure: { err?: Error } = {};
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure.err) {
      const i = next++;
      try {
        out[i] = await fn(items[i], i);
      } catch (err) {
        failure.err ??= err instanceof Error ? err : new Error(String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure.err) throw failure.err;
  return out;
}

/** Start a lab; on any failure everything already started is stopped before the error is rethrown. */
export async function startLab(opts: StartLabOptions): Promise<Lab> {
  const specs = normalise(opts.hosts);
  const supported = await netnsSupported();
  if (opts.netns === true && !supported) throw new Error('lab: network namespaces are not available here');
  const useNetns = opts.netns ?? supported;
  const id = randomBytes(3).toString('hex');
  const dir = opts.dir ?? join(tmpdir(), `certfleet-lab-${id}`);
  const ownsDir = opts.dir === undefined || !(await stat(opts.dir).catch(() => null));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const state: LabState = {
    id,
    dir,
    ownerPid: opts.persistent ? 0 : process.pid,
    netns: useNetns,
    ownsDir,
    bridge: null,
    subnet: null,
    hosts: [],
  };
  const writer = new StateWriter(state);
  await writer.save();
  try {
    const keyFile = join(dir, 'id_ed25519');
    const labPublicKey = await generateKey(keyFile, `certfleet-lab-${id}`);
    let net: LabNetwork | null = null;
    if (useNetns) {
      net = await createNetwork(id, specs.length);
      state.bridge = net.bridge;
      state.subnet = net.prefix;
    }
    state.hosts = specs.map((s, i) => ({
      name: s.name,
      netns: net ? net.hosts[i].netns : null,
      veth: net ? net.hosts[i].veth : null,
      mntNs: null,
      holderPid: 0,
    }));
    await writer.save();
    const taken = new Set<number>();
    const controlIp = net ? net.controlIp : '127.0.0.1';
    const hosts = await mapLimit(specs, 24, async (spec, i) => {
      const hdir = join(dir, spec.name);
      const ip = net ? net.hosts[i].ip : '127.0.0.1';
      const port = net ? 22 : await freePort(taken);
      const ports = await assignPorts(spec.services, useNetns, taken);
      const publicKey = await prepareHostDir({
        dir: hdir,
        name: spec.name,
        distro: spec.distro,
        ip,
        port,
        ports,
        labPublicKey,
      });
      const netns = net ? net.hosts[i].netns : null;
      const holderPid = await startHolder({ dir: hdir, name: spec.name, netns, ip, controlIp });
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
      await writer.save();
      for (const s of spec.services) await host.startService(s);
      return { host, publicKey };
    });
    const knownHostsFile = join(dir, 'known_hosts');
    await writeFileAtomic(
      knownHostsFile,
      knownHostsLines(hosts.map(({ host, publicKey }) => ({ ip: host.ip, port: host.port, publicKey }))),
    );
    const inventoryFile = join(dir, 'inventory.yml');
    await writeFileAtomic(
      inventoryFile,
      labInventory(
        hosts.map((h) => h.host),
        keyFile,
        knownHostsFile,
      ),
    );
    await writer.save();
    return makeLab(
      state,
      writer,
      controlIp,
      keyFile,
      knownHostsFile,
      inventoryFile,
      hosts.map((h) => h.host),
    );
  } catch (err) {
    await writer.save().catch(() => undefined);
    await teardown(state);
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
      stopping ??= writer.save().then(() => teardown(state));
      return stopping;
    },
  };
}
