/**
 * The lab's network: one bridge per lab with the control node at .1 of a private /24, and one network
 * namespace per host joined to it by a veth pair. Names and subnets are unique per lab so that several
 * labs (several test files, several helpers) can run side by side.
 */
import { randomInt } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { run, runOk } from './proc.js';

/** Where state files and subnet reservations live (tmpfs: a reboot clears them with the namespaces). */
export const STATE_DIR = '/run/certfleet-lab';

/** Names of the network objects of one lab. */
export interface LabNetwork {
  bridge: string;
  /** e.g. "10.213.7" (the /24 without its last octet) */
  prefix: string;
  controlIp: string;
  hosts: { netns: string; veth: string; ip: string }[];
}

/** Bridge name of a lab: IFNAMSIZ allows 15 characters. */
export const bridgeName = (id: string): string => `cflb${id}`;

/** True when this machine lets us create network namespaces. */
export async function netnsSupported(): Promise<boolean> {
  const probe = `cfl-probe-${process.pid}-${randomInt(1e6)}`;
  const r = await run('ip', ['netns', 'add', probe]).catch(() => ({ code: 1 }));
  if (r.code !== 0) return false;
  await run('ip', ['netns', 'del', probe]);
  return true;
}

/**
 * Reserve a /24 nobody uses: not on any local interface, not held by another lab. The reservation is a
 * file created exclusively, so two labs starting at the same instant cannot pick the same subnet.
 */
async function reserveSubnet(id: string): Promise<string> {
  await mkdir(STATE_DIR, { recursive: true });
  const used = await runOk('ip', ['-4', '-o', 'addr', 'show']);
  for (let attempt = 0; attempt < 200; attempt++) {
    const prefix = `10.${200 + randomInt(50)}.${randomInt(256)}`;
    if (used.includes(` ${prefix}.`)) continue;
    try {
      const fh = await open(`${STATE_DIR}/net-${prefix}`, 'wx');
      await fh.writeFile(id);
      await fh.close();
      return prefix;
    } catch {
      // taken by another lab: try another
    }
  }
  throw new Error('lab: no free 10.x.y.0/24 subnet found');
}

/** Release a subnet reservation (idempotent). */
export async function releaseSubnet(prefix: string): Promise<void> {
  await rm(`${STATE_DIR}/net-${prefix}`, { force: true });
}

/** Create the bridge, the namespaces and the veth pairs for `count` hosts (one `ip -batch` call). */
export async function createNetwork(id: string, count: number): Promise<LabNetwork> {
  if (count > 250) throw new Error(`lab: at most 250 hosts per lab (asked for ${count})`);
  const prefix = await reserveSubnet(id);
  const net: LabNetwork = {
    bridge: bridgeName(id),
    prefix,
    controlIp: `${prefix}.1`,
    hosts: Array.from({ length: count }, (_, i) => ({
      netns: `cfl-${id}-${i + 1}`,
      veth: `cflv${id}${i + 1}`,
      ip: `${prefix}.${i + 2}`,
    })),
  };
  const lines = [
    `link add ${net.bridge} type bridge`,
    `addr add ${net.controlIp}/24 dev ${net.bridge}`,
    `link set ${net.bridge} up`,
  ];
  for (const h of net.hosts) {
    lines.push(`netns add ${h.netns}`);
    // The host side is called eth0 like on a real server; it is created directly inside the namespace.
    lines.push(`link add ${h.veth} type veth peer name eth0 netns ${h.netns}`);
    lines.push(`link set ${h.veth} master ${net.bridge} up`);
  }
  try {
    await runOk('ip', ['-batch', '-'], { input: lines.join('\n') + '\n' });
  } catch (err) {
    await deleteNetwork(
      net.bridge,
      net.hosts.map((h) => h.netns),
      prefix,
    );
    throw err;
  }
  return net;
}

/** Commands (for `ip -batch`) that configure a host's side from inside its namespace. */
export function insideNetworkBatch(ip: string, controlIp: string): string {
  return [
    `addr add ${ip}/24 dev eth0`,
    'link set lo up',
    'link set eth0 up',
    `route add default via ${controlIp}`,
  ].join('\n');
}

/**
 * Remove namespaces, the bridge (its veths go with the namespaces) and the subnet reservation.
 * Missing objects are fine: this runs after crashes too.
 */
export async function deleteNetwork(
  bridge: string | null,
  netnsNames: string[],
  prefix: string | null,
): Promise<void> {
  const lines = netnsNames.map((n) => `netns del ${n}`);
  if (bridge) lines.push(`link del ${bridge}`);
  if (lines.length > 0) await run('ip', ['-force', '-batch', '-'], { input: lines.join('\n') + '\n' });
  if (prefix) await releaseSubnet(prefix);
}
