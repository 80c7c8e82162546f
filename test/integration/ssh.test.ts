/**
 * SshConnection against the lab's real sshd: strict host-key checking (unknown, accept-new, hashed,
 * changed), connect failures worded per cause and bounded by the timeout, exact bytes through exec,
 * put/fetch, one connection per host reused, and a dropped connection surfacing as ConnectionError.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connections/local.js';
import { connectionFor } from '../../src/connections/factory.js';
import { SshConnection } from '../../src/connections/ssh.js';
import { ConfigError, ConnectionError, InterruptedError } from '../../src/errors.js';
import { startLab, type Lab, type LabHost } from '../lab/index.js';

let lab: Lab;
let host: LabHost;
const opened: SshConnection[] = [];

function conn(extra: Partial<ConstructorParameters<typeof SshConnection>[1]> = {}): SshConnection {
  const c = new SshConnection(host.name, {
    host: host.ip,
    port: host.port,
    user: 'root',
    privateKeyPath: lab.keyFile,
    knownHostsFile: lab.knownHostsFile,
    connectTimeoutMs: 5000,
    ...extra,
  });
  opened.push(c);
  return c;
}

/** SHA256 fingerprint of the host's real key, as ssh-keygen prints it on the host. */
async function hostFingerprint(): Promise<string> {
  const r = await host.exec('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
  return r.stdout.split(' ')[1];
}

beforeAll(async () => {
  lab = await startLab({ hosts: [{ name: 'sshtest1', distro: 'debian', services: [] }] });
  host = lab.hosts[0];
});
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  await lab?.stop();
});

describe('SshConnection', () => {
  it('runs commands with exact bytes, stdin, exit codes as data, cwd and env', async () => {
    const c = conn();
    expect(await c.exec("printf 'a\\n\\n  '")).toMatchObject({ code: 0, stdout: 'a\n\n  ', stderr: '' });
    expect(await c.exec('cat; echo err >&2; exit 7', { stdin: 'in\n' })).toMatchObject({
      code: 7,
      stdout: 'in\n',
      stderr: 'err\n',
    });
    expect((await c.exec('pwd; echo "$X"', { cwd: '/etc', env: { X: "it's" } })).stdout).toBe("/etc\nit's\n");
    expect((await c.exec('echo no', { cwd: '/nonexistent' })).code).not.toBe(0);
  });

  it('bounds a command with timeoutMs and an AbortSignal, and the connection stays usable', async () => {
    const c = conn();
    const t0 = Date.now();
    await expect(c.exec('sleep 10', { timeoutMs: 300 })).rejects.toThrow(
      'sshtest1: command timed out after 300 ms',
    );
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    await expect(c.exec('sleep 10', { signal: ac.signal })).rejects.toThrow(InterruptedError);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect((await c.exec('echo still')).stdout).toBe('still\n');
    expect(c.stats.handshakes).toBe(1);
  });

  it('puts bytes with the mode set before the file appears, and fetches them back exactly', async () => {
    const c = conn();
    const bytes = Buffer.from([0, 1, 2, 255, 10, 10]);
    await c.put(bytes, '/root/put-test.bin', { mode: 0o600 });
    expect((await host.exec('stat -c %a /root/put-test.bin')).stdout.trim()).toBe('600');
    expect(Buffer.compare(await c.fetch('/root/put-test.bin'), bytes)).toBe(0);
    await expect(c.fetch('/root/missing')).rejects.toThrow(/cannot read \/root\/missing/);
  });

  it('opens one connection per host and reuses it for every command', async () => {
    const c = conn();
    await Promise.all(Array.from({ length: 8 }, (_, i) => c.exec(`echo ${i}`)));
    for (let i = 0; i < 5; i++) await c.exec('true');
    expect(c.stats.handshakes).toBe(1);
    expect(c.stats.execs).toBe(13);
    // The host side agrees: exactly one established SSH connection from this client.
    const before = opened.filter((o) => o !== c);
    await Promise.all(before.map((o) => o.close()));
    const ss = await host.exec("ss -Htn state established '( sport = :22 )' | wc -l");
    expect(ss.stdout.trim()).toBe('1');
  });

  it('authenticates through ssh-agent (SSH_AUTH_SOCK) when no key file is given', async () => {
    const sock = join(lab.dir, `agent-${process.pid}.sock`);
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    const saved = process.env.SSH_AUTH_SOCK;
    try {
      for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      execFileSync('ssh-add', [lab.keyFile], {
        env: { ...process.env, SSH_AUTH_SOCK: sock },
        stdio: 'ignore',
      });
      process.env.SSH_AUTH_SOCK = sock;
      const c = conn({ privateKeyPath: undefined });
      expect((await c.exec('echo via-agent')).stdout).toBe('via-agent\n');
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
      agent.kill('SIGTERM');
    }
  });

  it('refuses an unknown host key by default, with its fingerprint', async () => {
    const empty = join(lab.dir, 'known_hosts.empty');
    writeFileSync(empty, '');
    const err = await conn({ knownHostsFile: empty })
      .exec('true')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toContain(`is not known (ssh-ed25519 ${await hostFingerprint()})`);
    expect(readFileSync(empty, 'utf8')).toBe('');
  });

  it('accepts and records a new host key with acceptNewHostKeys, then knows it', async () => {
    const file = join(lab.dir, 'known_hosts.new');
    writeFileSync(file, '# comment\n');
    expect((await conn({ knownHostsFile: file, acceptNewHostKeys: true }).exec('echo hi')).stdout).toBe(
      'hi\n',
    );
    expect(readFileSync(file, 'utf8')).toMatch(
      new RegExp(`^${host.ip.replace(/\./g, '\\.')} ssh-ed25519 AAAA`, 'm'),
    );
    expect((await conn({ knownHostsFile: file }).exec('echo again')).stdout).toBe('again\n');
  });

  it('checks hashed known_hosts entries', async () => {
    const file = join(lab.dir, 'known_hosts.hashed');
    copyFileSync(lab.knownHostsFile, file);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|/);
    expect((await conn({ knownHostsFile: file }).exec('echo hashed')).stdout).toBe('hashed\n');
  });

  it('refuses a changed host key, naming both keys and the file line', async () => {
    const other = join(lab.dir, 'other_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const otherPub = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const file = join(lab.dir, 'known_hosts.changed');
    writeFileSync(file, `# old\n${host.ip} ${otherPub}\n`);
    const err = await conn({ knownHostsFile: file, acceptNewHostKeys: true })
      .exec('true')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/host key for .* has CHANGED/);
    expect((err as Error).message).toContain(
      `server offered ssh-ed25519 ${await hostFingerprint()}, ${file}:2`,
    );
  });

  it('reports refused connections and failed authentication clearly', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise((r) => srv.close(r));
    const c = new SshConnection('gone', {
      host: '127.0.0.1',
      port,
      user: 'root',
      privateKeyPath: lab.keyFile,
    });
    await expect(c.exec('true')).rejects.toThrow(
      `gone: cannot connect to root@127.0.0.1:${port}: connection refused`,
    );

    const wrong = join(lab.dir, 'wrong_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrong]);
    const err = await conn({ privateKeyPath: wrong })
      .exec('true')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toContain(`authentication failed (tried key ${wrong}`);
  });

  it('times out within connectTimeoutMs when the server never answers', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const c = new SshConnection('mute', {
        host: '127.0.0.1',
        port,
        connectTimeoutMs: 800,
        privateKeyPath: lab.keyFile,
      });
      const t0 = Date.now();
      await expect(c.exec('true')).rejects.toThrow(/mute: cannot connect to .*: timed out after 0\.8 s/);
      expect(Date.now() - t0).toBeLessThan(2500);
    } finally {
      silent.close();
    }
  });

  it('turns a connection dropped mid-command into ConnectionError', async () => {
    const c = conn();
    const running = c.exec('sleep 20').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 500));
    // Kill exactly the sshd process serving this session (found by its established socket).
    const ss = await host.exec("ss -Htnp state established '( sport = :22 )'");
    const pids = [...ss.stdout.matchAll(/pid=(\d+)/g)].map((m) => m[1]);
    expect(pids.length).toBeGreaterThan(0);
    await host.exec(`kill -9 ${[...new Set(pids)].join(' ')}`);
    const err = await running;
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/sshtest1: connection to root@.* lost/);
  });
});

describe('connectionFor', () => {
  it('builds local and SSH connections from Ansible host variables', async () => {
    expect(connectionFor('ctl', { ansible_connection: 'local' })).toBeInstanceOf(LocalConnection);
    const c = connectionFor(
      host.name,
      {
        ansible_host: host.ip,
        ansible_port: host.port,
        ansible_user: 'root',
        ansible_ssh_private_key_file: lab.keyFile,
      },
      { knownHostsFile: lab.knownHostsFile },
    ) as SshConnection;
    opened.push(c);
    expect((await c.exec('hostname')).stdout).toBe(`${host.name}\n`);
    expect(() => connectionFor('h', { ansible_port: 'x' })).toThrow(ConfigError);
    expect(() => connectionFor('h', { ansible_port: 70000 })).toThrow(
      'hosts.h.ansible_port: must be an integer from 1 to 65535',
    );
    expect(() => connectionFor('h', { ansible_connection: 'winrm' })).toThrow(
      /unsupported connection "winrm"/,
    );
    // certfleet_remote_driver: sh forces the POSIX sh driver on a host that has Perl
    const plain = connectionFor(
      host.name,
      {
        ansible_host: host.ip,
        ansible_user: 'root',
        ansible_ssh_private_key_file: lab.keyFile,
        certfleet_remote_driver: 'sh',
      },
      { knownHostsFile: lab.knownHostsFile },
    ) as SshConnection;
    opened.push(plain);
    expect((await plain.exec('ps -o comm= -p $$', { shared: true })).stdout).toBe('sh\n');
    expect(() => connectionFor('h', { certfleet_remote_driver: 'python' })).toThrow(
      'hosts.h.certfleet_remote_driver: must be "auto" (Perl where the host has it, else sh) or "sh", got "python"',
    );
  });
});
