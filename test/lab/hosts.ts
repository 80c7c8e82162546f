/**
 * A running lab host: its holder (namespaces), its sshd, and the operations tests use on it.
 * Commands run inside through `nsenter -t HOLDER -m -u -n` as root with a clean environment.
 */
import { commOf, HOST_ENV, isAlive, killAndWait, nsIdOf, pidsInNamespaces, run } from './proc.js';
import { servicePid, startService, stopService, type ServiceHost } from './services.js';
import { startSshd } from './sshd.js';
import type { LabDistro, LabHost, LabService, ServicePorts } from './types.js';

/** Everything known about a host once its holder runs. */
export interface HostParts {
  name: string;
  distro: LabDistro;
  services: LabService[];
  ports: Record<LabService, ServicePorts>;
  dir: string;
  ip: string;
  port: number;
  holderPid: number;
  netns: string | null;
  veth: string | null;
}

/** A LabHost plus what the lab itself needs to stop it. */
export interface RunningHost extends LabHost {
  mntNs: string;
  netnsName: string | null;
  veth: string | null;
}

/** Run a shell command inside a holder's namespaces. */
export function execIn(
  holderPid: number,
  cmd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return run('nsenter', ['-t', String(holderPid), '-m', '-u', '-n', '--', '/bin/sh', '-c', cmd], {
    env: HOST_ENV,
  });
}

/** Build the host object around a started holder and start its sshd. */
export async function bootHost(p: HostParts): Promise<RunningHost> {
  const mntNs = await nsIdOf(`/proc/${p.holderPid}/ns/mnt`);
  if (mntNs === null) throw new Error(`lab: ${p.name}: namespace holder ${p.holderPid} is gone`);
  const exec = (cmd: string): Promise<{ code: number; stdout: string; stderr: string }> =>
    execIn(p.holderPid, cmd);
  const svcHost: ServiceHost = { name: p.name, dir: p.dir, mntNs, exec };
  const host: RunningHost = {
    name: p.name,
    ip: p.ip,
    port: p.port,
    distro: p.distro,
    services: p.services,
    ports: p.ports,
    dir: p.dir,
    holderPid: p.holderPid,
    sshdPid: 0,
    mntNs,
    netnsName: p.netns,
    veth: p.veth,
    exec,
    startService: (s) => startService(svcHost, s),
    servicePid: (s) => servicePid(svcHost, s),
    stopService: (s) => stopService(svcHost, s),
    async killSshd() {
      // The listener and every session: existing connections drop too, as when a server dies.
      const all = (await pidsInNamespaces('mnt', new Set([mntNs]))).get(mntNs) ?? [];
      const comms = await Promise.all(all.map(commOf));
      await killAndWait(all.filter((_, i) => comms[i] === 'sshd' || comms[i] === 'sshd-session'));
    },
    async startSshd() {
      if (host.sshdPid > 0 && (await isAlive(host.sshdPid)) && (await commOf(host.sshdPid)) === 'sshd')
        return;
      host.sshdPid = await startSshd(p.holderPid, p.dir, p.ip, p.port);
    },
  };
  await host.startSshd();
  return host;
}
