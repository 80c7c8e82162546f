/**
 * The lab's public shapes: simulated hosts (one network + mount + UTS namespace each, with their own
 * sshd and web servers) that the tests, the demo and the benchmarks run certfleet against.
 */

/** Which distribution a lab host claims to be (through /etc/os-release and release files). */
export type LabDistro = 'debian' | 'ubuntu' | 'centos' | 'rhel';

/** Web servers a lab host can run. */
export type LabService = 'nginx' | 'apache2' | 'haproxy';

/** All services, in the order ports are handed out on a host. */
export const LAB_SERVICES: readonly LabService[] = ['nginx', 'apache2', 'haproxy'];

/** All distros, in the order `startLab({hosts: N})` cycles through them. */
export const LAB_DISTROS: readonly LabDistro[] = ['debian', 'ubuntu', 'centos', 'rhel'];

/** What to build for one host. */
export interface LabHostSpec {
  name: string;
  distro?: LabDistro;
  services?: LabService[];
}

/** TCP ports a service listens on, as seen from the control node at the host's `ip`. */
export interface ServicePorts {
  http: number;
  https: number;
}

/** A running simulated host. */
export interface LabHost {
  name: string;
  ip: string;
  /** sshd port at `ip` (22 with namespaces, a free loopback port without) */
  port: number;
  distro: LabDistro;
  /** services this host was built with (started by startLab) */
  services: LabService[];
  /** ports each configured service listens on (first service 80/443, second 8080/8443, third 8081/8444) */
  ports: Partial<Record<LabService, ServicePorts>>;
  /** the host's directory on the control node (upper dirs, keys, logs) */
  dir: string;
  /** pid of the host's sshd (changes after startSshd) */
  sshdPid: number;
  /** pid of the process that holds the host's namespaces for its whole life */
  holderPid: number;
  /** run a shell command inside the host's namespaces as root (nsenter), for seeding and assertions */
  exec(cmd: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /** start a service with the host's current config; no-op when it already runs */
  startService(s: LabService): Promise<void>;
  /** pid of the service's main process from its pid file, or null when it is not running */
  servicePid(s: LabService): Promise<number | null>;
  /** stop a service and wait until it is gone */
  stopService(s: LabService): Promise<void>;
  /** for fault tests: the host becomes unreachable */
  killSshd(): Promise<void>;
  /** start sshd again (no-op when running) */
  startSshd(): Promise<void>;
}

/** A running lab. */
export interface Lab {
  id: string;
  dir: string;
  hosts: LabHost[];
  /** the control node's address on the lab bridge (hosts reach Pebble etc. there); 127.0.0.1 without namespaces */
  controlIp: string;
  /** true when hosts have their own network namespaces */
  netns: boolean;
  /** private key (0600) accepted by every host's sshd for root */
  keyFile: string;
  /** host keys of all hosts */
  knownHostsFile: string;
  /** YAML Ansible inventory of the lab, usable by certfleet and ansible-playbook */
  inventoryFile: string;
  /** stops everything by PID, removes netns/veth/bridge/mounts; idempotent */
  stop(): Promise<void>;
}

/** Options of startLab. */
export interface StartLabOptions {
  /** a count (names host01.., distros and services cycled) or explicit specs */
  hosts: number | LabHostSpec[];
  /** where the lab's files go (default: a fresh dir under the OS temp dir) */
  dir?: string;
  /** use network namespaces (default: auto-detect, falling back to loopback ports) */
  netns?: boolean;
  /**
   * the lab outlives this process (`npm run lab:up`): stopAllLabs removes it even though no owner is
   * gone. Default false: stopAllLabs leaves labs of live processes alone (other test runs).
   */
  persistent?: boolean;
}

/** What a state file records, enough for `stopAllLabs` to clean up after a crash. */
export interface LabState {
  id: string;
  dir: string;
  /** pid of the process that started the lab (0: persistent, no owner) */
  ownerPid: number;
  /** the owner's start time (/proc/PID/stat field 22), so that a reused pid does not count as the owner */
  ownerStart?: number;
  netns: boolean;
  /** the lab created `dir` and removes it on stop */
  ownsDir: boolean;
  bridge: string | null;
  subnet: string | null;
  hosts: {
    name: string;
    netns: string | null;
    mntNs: string | null;
    holderPid: number;
    veth: string | null;
  }[];
}
