/**
 * A lab host's directory on the control node. Everything a host owns lives here and is mounted over
 * the matching system path inside the host's mount namespace:
 *   etc-upper/ etc-work/  overlay over /etc (release files, hostname, sshd and web server configs)
 *   run/ log/ root/ tmp/ www/ lib-nginx/ lib-haproxy/  bind mounts over /run, /var/log, /root, ...
 * It is written only before the host starts; afterwards changes go through `host.exec`.
 */
import { copyFile, mkdir, readFile, readdir, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { distroFiles } from './distro.js';
import { runOk } from './proc.js';
import { seedServiceConfigs } from './services.js';
import { generateKey, sshdConfig } from './sshd.js';
import type { LabDistro, LabService, ServicePorts } from './types.js';

/** Bind mounts of a host: directory under the host dir → path inside the host. /tmp must stay last. */
export const HOST_BINDS: readonly [string, string][] = [
  ['run', '/run'],
  ['log', '/var/log'],
  ['root', '/root'],
  ['www', '/var/www'],
  ['lib-nginx', '/var/lib/nginx'],
  ['lib-haproxy', '/var/lib/haproxy'],
  // Binding /tmp hides the control node's /tmp, where the host dirs themselves may live: keep it last.
  ['tmp', '/tmp'],
];

/** What prepareHostDir needs. */
export interface HostDirSpec {
  dir: string;
  name: string;
  distro: LabDistro;
  /** address sshd listens on */
  ip: string;
  port: number;
  ports: Record<LabService, ServicePorts>;
  /** the lab's public key line, authorised for root */
  labPublicKey: string;
  /** names for /etc/hosts (the other hosts and the control node); empty without namespaces */
  peers: { name: string; ip: string }[];
}

/** Create the host directory and seed it; returns the host's public key line. */
export async function prepareHostDir(spec: HostDirSpec): Promise<string> {
  const { dir } = spec;
  const upper = join(dir, 'etc-upper');
  await Promise.all(
    [
      'etc-upper/ssh',
      'etc-work',
      'run/sshd',
      'run/haproxy',
      'run/apache2',
      'run/lock',
      'log/nginx',
      'log/apache2',
    ]
      .concat(['root/.ssh', 'www/html', 'lib-nginx', 'lib-haproxy', 'tmp'])
      .map((d) => mkdir(join(dir, d), { recursive: true })),
  );
  await chmod(join(dir, 'tmp'), 0o1777);
  await chmod(join(dir, 'run/lock'), 0o1777);
  await chmod(join(dir, 'root'), 0o700);
  await chmod(join(dir, 'root/.ssh'), 0o700);

  const release = distroFiles(spec.distro);
  const etcHosts = await readFile('/etc/hosts', 'utf8');
  await Promise.all([
    ...Object.entries(release.files).map(([f, c]) => writeFile(join(upper, f), c)),
    writeFile(join(upper, 'hostname'), `${spec.name}\n`),
    writeFile(
      join(upper, 'hosts'),
      etcHosts.trimEnd() +
        '\n' +
        (spec.peers.length > 0 ? spec.peers : [{ name: spec.name, ip: '127.0.1.1' }])
          .map((p) => `${p.ip}\t${p.name}\n`)
          .join(''),
    ),
    writeFile(join(upper, 'ssh/sshd_config'), sshdConfig(spec.ip, spec.port)),
    // The control node's resolver is unreachable from a namespace: lookups would wait for timeouts
    // (every AAAA query of curl or getent). A local nameserver that is not there fails at once.
    spec.peers.length > 0
      ? writeFile(join(upper, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n')
      : Promise.resolve(),
    writeFile(join(dir, 'root/.ssh/authorized_keys'), `${spec.labPublicKey}\n`, { mode: 0o600 }),
    writeFile(join(dir, 'www/html/index.html'), `<h1>${spec.name}</h1>\n`),
    seedServiceConfigs(upper, spec.name, spec.ports),
    copySkel(join(dir, 'root')),
  ]);
  // An overlay whiteout (a 0/0 character device in the upper dir) hides a file of the real /etc.
  for (const f of release.hide) await runOk('mknod', [join(upper, f), 'c', '0', '0']);
  return generateKey(join(upper, 'ssh/ssh_host_ed25519_key'), `root@${spec.name}`);
}

/** The machine's own /root/.bashrc is slow (pyenv): hosts get plain skeleton dotfiles. */
async function copySkel(root: string): Promise<void> {
  const names = await readdir('/etc/skel').catch(() => [] as string[]);
  await Promise.all(names.map((n) => copyFile(join('/etc/skel', n), join(root, n))));
}
