/**
 * Web servers inside lab hosts. There is no init system on a host: each server is started the way
 * its init script would (nginx, `apache2ctl start`, `haproxy -p`), writes its pid file into the host's
 * private /run, and can then be reloaded from an SSH session (`nginx -s reload`,
 * `apache2ctl -k graceful`, `haproxy -x /run/haproxy/admin.sock -sf PID`).
 */
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { commOf, isAlive, killAndWait, pidsInNamespaces } from './proc.js';
import type { LabService, ServicePorts } from './types.js';

/** How each service is started and found. */
export const SERVICE_INFO: Record<LabService, { pidFile: string; comm: string; start: string }> = {
  nginx: { pidFile: '/run/nginx.pid', comm: 'nginx', start: 'nginx' },
  apache2: { pidFile: '/run/apache2/apache2.pid', comm: 'apache2', start: 'apache2ctl start' },
  haproxy: {
    pidFile: '/run/haproxy.pid',
    comm: 'haproxy',
    // Debian's haproxy.cfg has no pidfile and says `daemon`: the pid file must come from -p.
    start: 'haproxy -f /etc/haproxy/haproxy.cfg -p /run/haproxy.pid',
  },
};

/** What the service helpers need to know about a host. */
export interface ServiceHost {
  name: string;
  /** host directory: its /run is `dir/run` */
  dir: string;
  /** the host's mount namespace id (every process of the host shares it) */
  mntNs: string;
  exec(cmd: string): Promise<{ code: number; stdout: string; stderr: string }>;
}

async function readLower(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

async function put(upper: string, rel: string, content: string): Promise<void> {
  const p = join(upper, rel);
  await mkdir(join(p, '..'), { recursive: true });
  await writeFile(p, content);
}

/**
 * Write each service's lab configuration into the host's /etc upper dir (before the overlay is
 * mounted): one nginx worker, the ports this host hands out, a ServerName, an HAProxy frontend.
 */
export async function seedServiceConfigs(
  upper: string,
  name: string,
  ports: Record<LabService, ServicePorts>,
): Promise<void> {
  const ng = ports.nginx;
  const nginxConf = (await readLower('/etc/nginx/nginx.conf')).replace(
    /^\s*worker_processes\s+[^;]+;/m,
    'worker_processes 1;',
  );
  await put(upper, 'nginx/nginx.conf', nginxConf);
  const site = (await readLower('/etc/nginx/sites-available/default'))
    .replace(/listen 80 default_server;/, `listen ${ng.http} default_server;`)
    .replace(/listen \[::\]:80 default_server;/, `listen [::]:${ng.http} default_server;`);
  await put(upper, 'nginx/sites-available/default', site);

  const ap = ports.apache2;
  const portsConf = (await readLower('/etc/apache2/ports.conf'))
    // Both anchored to whole lines: a free port like 44312 written for `Listen 80` must not be
    // matched again by the 443 rule.
    .replace(/^(\s*)Listen 443$/gm, `$1Listen ${ap.https}`)
    .replace(/^Listen 80$/m, `Listen ${ap.http}`);
  await put(upper, 'apache2/ports.conf', portsConf);
  const vhost = (await readLower('/etc/apache2/sites-available/000-default.conf')).replace(
    '<VirtualHost *:80>',
    `<VirtualHost *:${ap.http}>`,
  );
  await put(upper, 'apache2/sites-available/000-default.conf', vhost);
  // Silences AH00558 so `apache2ctl configtest` output is clean, as on a configured server.
  await put(upper, 'apache2/conf-enabled/lab-servername.conf', `ServerName ${name}\n`);

  const hp = ports.haproxy;
  // `expose-fd listeners` lets a reload (`-x admin.sock -sf OLD`) take over the listening sockets.
  const haproxyCfg =
    (await readLower('/etc/haproxy/haproxy.cfg')).replace(
      /^(\s*stats socket \/run\/haproxy\/admin\.sock[^\n]*level admin)$/m,
      '$1 expose-fd listeners',
    ) +
    `\nfrontend lab_http\n\tbind :${hp.http}\n\thttp-request return status 200 content-type text/plain string "haproxy on ${name}\\n"\n`;
  await put(upper, 'haproxy/haproxy.cfg', haproxyCfg);
}

/** Pid of a service's main process from its pid file, or null when it is not running. */
export async function servicePid(host: ServiceHost, s: LabService): Promise<number | null> {
  const info = SERVICE_INFO[s];
  let pid: number;
  try {
    pid = Number((await readFile(join(host.dir, info.pidFile.replace(/^\/run/, 'run')), 'utf8')).trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !(await isAlive(pid))) return null;
  // Hosts share the PID space: a recycled pid must belong to the same program to count.
  return (await commOf(pid)) === info.comm ? pid : null;
}

/** Start a service with the host's current config; no-op when it already runs. */
export async function startService(host: ServiceHost, s: LabService): Promise<void> {
  if ((await servicePid(host, s)) !== null) return;
  const info = SERVICE_INFO[s];
  // Daemons keep inherited descriptors: send their output to a file so exec returns promptly.
  const out = `/run/.lab-start-${s}.out`;
  const r = await host.exec(
    `${info.start} </dev/null >${out} 2>&1; rc=$?; cat ${out}; rm -f ${out}; exit $rc`,
  );
  if (r.code !== 0) throw new Error(`lab: ${host.name}: ${s} did not start: ${r.stdout.trim()}`);
  for (let i = 0; i < 200; i++) {
    if ((await servicePid(host, s)) !== null) return;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`lab: ${host.name}: ${s} started but wrote no pid file ${info.pidFile}`);
}

/** Stop every process of a service inside the host and wait until they are gone. */
export async function stopService(host: ServiceHost, s: LabService): Promise<void> {
  const info = SERVICE_INFO[s];
  const inHost = (await pidsInNamespaces('mnt', new Set([host.mntNs]))).get(host.mntNs) ?? [];
  const comms = await Promise.all(inHost.map(commOf));
  const pids = inHost.filter((_, i) => comms[i] === info.comm);
  await killAndWait(pids);
  await rm(join(host.dir, info.pidFile.replace(/^\/run/, 'run')), { force: true });
}
