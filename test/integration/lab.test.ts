/**
 * The lab of simulated hosts, against real sshd, nginx, apache2 and haproxy: reachability over SSH
 * with strict host-key checking, per-host distro claims, services answering on the hosts' addresses,
 * reloads keeping master pids, fault injection, and a teardown that leaves nothing behind.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startLab, stopAllLabs, type Lab, type LabHost } from '../lab/index.js';
import { isAlive, run } from '../lab/proc.js';

function ssh(lab: Lab, h: LabHost, cmd: string, knownHosts = lab.knownHostsFile) {
  return run('ssh', [
    ...['-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes'],
    ...['-o', 'ConnectTimeout=5', '-i', lab.keyFile, '-p', String(h.port), `root@${h.ip}`, cmd],
  ]);
}

function httpGet(ip: string, port: number): Promise<{ status: number; server: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: ip, port, path: '/', timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, server: String(res.headers.server ?? ''), body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('lab with network namespaces', () => {
  let lab: Lab;
  const byName = (n: string): LabHost => lab.hosts.find((h) => h.name === n)!;

  beforeAll(async () => {
    lab = await startLab({
      hosts: [
        { name: 'web1', distro: 'debian', services: ['nginx'] },
        { name: 'web2', distro: 'centos', services: ['apache2'] },
        { name: 'web3', distro: 'ubuntu', services: ['haproxy'] },
      ],
    });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('every host answers SSH with the lab key under strict host-key checking', async () => {
    for (const h of lab.hosts) {
      const r = await ssh(lab, h, 'hostname; id -u; echo $HOME');
      expect(r.stderr).toBe('');
      expect(r.stdout.split('\n').slice(0, 3)).toEqual([h.name, '0', '/root']);
    }
    // The same host with a known_hosts that does not list it must be refused.
    const empty = `${lab.dir}/empty_known_hosts`;
    await writeFile(empty, '');
    const refused = await ssh(lab, lab.hosts[0], 'true', empty);
    expect(refused.code).toBe(255);
    expect(refused.stderr).toMatch(/Host key verification failed/);
  });

  it('each host claims its own distro', async () => {
    const ids = await Promise.all(
      lab.hosts.map(async (h) => (await ssh(lab, h, 'grep ^ID= /etc/os-release')).stdout),
    );
    expect(ids).toEqual(['ID="debian"\n', 'ID="centos"\n', 'ID="ubuntu"\n']);
    const centos = await ssh(
      lab,
      byName('web2'),
      'cat /etc/redhat-release; test -e /etc/debian_version; echo $?',
    );
    expect(centos.stdout).toBe('CentOS Stream release 9\n1\n');
    // The control node's /etc is untouched by the overlays.
    expect(await readFile('/etc/hostname', 'utf8')).not.toMatch(/^web\d/);
  });

  it('hosts reach each other and the control node by name', async () => {
    const r = await ssh(
      lab,
      byName('web1'),
      'getent hosts web2 certfleet-control; curl -s -o /dev/null -w "%{http_code}" http://web3/',
    );
    expect(r.stdout.split(/\s+/)).toEqual([
      byName('web2').ip,
      'web2',
      lab.controlIp,
      'certfleet-control',
      '200',
    ]);
  });

  it('services answer on the hosts addresses from the control node', async () => {
    const nginx = await httpGet(byName('web1').ip, 80);
    expect(nginx.status).toBe(200);
    expect(nginx.server).toMatch(/^nginx/);
    expect(nginx.body).toContain('web1');
    const apache = await httpGet(byName('web2').ip, 80);
    expect(apache.status).toBe(200);
    expect(apache.server).toMatch(/^Apache/);
    const haproxy = await httpGet(byName('web3').ip, 80);
    expect(haproxy).toMatchObject({ status: 200, body: 'haproxy on web3\n' });
  });

  it('reloads from an SSH session keep the master pid (nginx, apache2) or hand over (haproxy)', async () => {
    const web1 = byName('web1');
    const before = await web1.servicePid('nginx');
    expect(before).toBeGreaterThan(0);
    expect((await ssh(lab, web1, 'nginx -t 2>&1 && nginx -s reload')).code).toBe(0);
    expect(await web1.servicePid('nginx')).toBe(before);

    const web2 = byName('web2');
    const apacheBefore = await web2.servicePid('apache2');
    expect((await ssh(lab, web2, 'apache2ctl configtest 2>&1 && apache2ctl -k graceful')).code).toBe(0);
    expect(await web2.servicePid('apache2')).toBe(apacheBefore);

    const web3 = byName('web3');
    const old = await web3.servicePid('haproxy');
    const cfg = '/etc/haproxy/haproxy.cfg';
    const reload = `haproxy -c -f ${cfg} >/dev/null && haproxy -f ${cfg} -p /run/haproxy.pid -x /run/haproxy/admin.sock -sf $(cat /run/haproxy.pid) </dev/null >/dev/null 2>&1`;
    expect((await ssh(lab, web3, reload)).code).toBe(0);
    const next = await web3.servicePid('haproxy');
    expect(next).not.toBeNull();
    expect(next).not.toBe(old);
    expect((await httpGet(web3.ip, 80)).status).toBe(200);
  });

  it('stops and restarts services and sshd', async () => {
    const web1 = byName('web1');
    await web1.stopService('nginx');
    expect(await web1.servicePid('nginx')).toBeNull();
    await expect(httpGet(web1.ip, 80)).rejects.toThrow(/ECONNREFUSED/);
    await web1.startService('nginx');
    await web1.startService('nginx'); // idempotent
    expect((await httpGet(web1.ip, 80)).status).toBe(200);

    const oldSshd = web1.sshdPid;
    await web1.killSshd();
    expect(await isAlive(oldSshd)).toBe(false);
    expect((await ssh(lab, web1, 'true')).stderr).toMatch(/Connection refused/);
    await web1.startSshd();
    expect((await ssh(lab, web1, 'hostname')).stdout).toBe('web1\n');
  });

  it('stop() leaves no namespace, bridge, process, state or directory behind', async () => {
    const pids = lab.hosts.flatMap((h) => [h.sshdPid, h.holderPid]);
    for (const h of lab.hosts) for (const s of h.services) pids.push((await h.servicePid(s))!);
    expect(pids.every((p) => p > 0)).toBe(true);
    await lab.stop();
    await lab.stop(); // idempotent
    expect((await Promise.all(pids.map(isAlive))).some(Boolean)).toBe(false);
    expect((await run('ip', ['netns', 'list'])).stdout).not.toContain(`cfl-${lab.id}-`);
    expect((await run('ip', ['link', 'show'])).stdout).not.toContain(`cflb${lab.id}`);
    expect(existsSync(`/run/certfleet-lab/${lab.id}.json`)).toBe(false);
    expect(existsSync(lab.dir)).toBe(false);
  });
});

describe('lab without network namespaces (loopback fallback)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({
      netns: false,
      hosts: [
        { name: 'lo1', distro: 'rhel', services: ['nginx', 'apache2'] },
        { name: 'lo2', distro: 'debian', services: ['haproxy'] },
      ],
    });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('reaches each host on its own loopback port with its own services', async () => {
    expect(lab.netns).toBe(false);
    const [lo1, lo2] = lab.hosts;
    expect(lo1.port).not.toBe(lo2.port);
    const r = await ssh(lab, lo1, 'hostname; cat /etc/redhat-release');
    expect(r.stdout).toBe('lo1\nRed Hat Enterprise Linux release 9.4 (Plow)\n');
    expect((await httpGet('127.0.0.1', lo1.ports.nginx!.http)).server).toMatch(/^nginx/);
    expect((await httpGet('127.0.0.1', lo1.ports.apache2!.http)).server).toMatch(/^Apache/);
    expect((await httpGet('127.0.0.1', lo2.ports.haproxy!.http)).body).toBe('haproxy on lo2\n');
  });

  it('writes an inventory with groups per distro and per service', async () => {
    const inv = parse(await readFile(lab.inventoryFile, 'utf8')) as {
      all: {
        vars: Record<string, string>;
        hosts: Record<string, Record<string, unknown>>;
        children: Record<string, { hosts: object }>;
      };
    };
    expect(inv.all.vars.ansible_ssh_private_key_file).toBe(lab.keyFile);
    expect(inv.all.hosts.lo1).toMatchObject({
      ansible_host: '127.0.0.1',
      ansible_port: lab.hosts[0].port,
      distro: 'rhel',
      webserver: 'nginx',
    });
    expect(Object.keys(inv.all.children).sort()).toEqual(['apache', 'debian', 'haproxy', 'nginx', 'rhel']);
    expect(Object.keys(inv.all.children.nginx.hosts)).toEqual(['lo1']);
  });

  it('stop() kills every process of the hosts', async () => {
    const pids = lab.hosts.flatMap((h) => [h.sshdPid, h.holderPid]);
    await lab.stop();
    expect((await Promise.all(pids.map(isAlive))).some(Boolean)).toBe(false);
    expect(existsSync(lab.dir)).toBe(false);
  });
});

/** Run a script in a separate node process (TypeScript through tsx) and return its stdout's first line. */
function childLab(script: string): { child: ReturnType<typeof spawn>; id: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const id = new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').once('data', (d: string) => resolve(d.trim()));
    child.once('exit', (code) => reject(new Error(`lab child exited ${code}`)));
  });
  return { child, id };
}

describe('lab recovery', () => {
  it('a process that exits without stop() leaves nothing behind', async () => {
    const { child, id } = childLab(
      `import('./test/lab/index.ts').then(async (m) => { const l = await m.startLab({ hosts: 2 }); console.log(l.id); setTimeout(() => process.exit(0), 100); })`,
    );
    const labId = await id;
    await new Promise((r) => child.once('exit', r));
    expect((await run('ip', ['netns', 'list'])).stdout).not.toContain(`cfl-${labId}-`);
    expect((await run('ip', ['link', 'show'])).stdout).not.toContain(`cflb${labId}`);
    expect(existsSync(`/run/certfleet-lab/${labId}.json`)).toBe(false);
  });

  it('stopAllLabs removes a lab whose process was killed', async () => {
    // A separate process starts a lab and is killed: no exit hook runs.
    const { child, id: started } = childLab(
      `import('./test/lab/index.ts').then(async (m) => { const l = await m.startLab({ hosts: 2 }); console.log(l.id); setInterval(() => {}, 1000); })`,
    );
    const id = await started;
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect((await run('ip', ['netns', 'list'])).stdout).toContain(`cfl-${id}-1`);
    const { stopped } = await stopAllLabs({ ids: [id] });
    expect(stopped).toContain(id);
    expect((await run('ip', ['netns', 'list'])).stdout).not.toContain(`cfl-${id}-`);
    expect(existsSync(`/run/certfleet-lab/${id}.json`)).toBe(false);
  });
});
