/**
 * Each lab host runs its own `sshd -D` inside its namespaces, with its own host key, listening on the
 * host's address only, accepting root with the lab key only. PAM is off: it costs ~200 ms per login
 * here and the lab needs no accounts beyond root.
 */
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { HOST_ENV, commOf, isAlive } from './proc.js';
import { ed25519KeyPair } from './ssh-keys.js';

/** Write an ed25519 key pair (OpenSSH format) to `file` (0600) / `file.pub`; returns the public line. */
export async function generateKey(file: string, comment: string): Promise<string> {
  const { privateKey, publicKey } = ed25519KeyPair(comment);
  await writeFile(file, privateKey, { mode: 0o600 });
  await writeFile(`${file}.pub`, `${publicKey}\n`);
  return publicKey;
}

/** The host's /etc/ssh/sshd_config. */
export function sshdConfig(listen: string, port: number): string {
  return [
    `ListenAddress ${listen}:${port}`,
    'HostKey /etc/ssh/ssh_host_ed25519_key',
    'PidFile /run/sshd.pid',
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'AuthorizedKeysFile .ssh/authorized_keys',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'UseDNS no',
    // Many parallel connections from one control node (forks, benchmarks) must not be dropped.
    'MaxStartups 200:30:400',
    'MaxSessions 50',
    'PrintMotd no',
    'AcceptEnv LANG LC_*',
    'AllowTcpForwarding yes',
    'AllowStreamLocalForwarding yes',
    'Subsystem sftp /usr/lib/openssh/sftp-server',
    'LogLevel INFO',
    '',
  ].join('\n');
}

/** Resolve once something at ip:port sends an SSH banner. */
async function bannerOnce(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: ip, port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('data', (d) => done(d.toString('latin1').startsWith('SSH-')));
    sock.once('error', () => done(false));
  });
}

/**
 * Start sshd inside the host (detached: it outlives the process that started the lab) and wait until
 * it answers with a banner from the control node. Returns its pid (nsenter execs sshd, so the pid is sshd's own).
 */
export async function startSshd(holderPid: number, dir: string, ip: string, port: number): Promise<number> {
  const pidFile = join(dir, 'run/sshd.pid');
  await rm(pidFile, { force: true });
  const child = spawn(
    'nsenter',
    ['-t', String(holderPid), '-m', '-u', '-n', '--', '/usr/sbin/sshd', '-D', '-E', '/var/log/sshd.log'],
    { detached: true, stdio: 'ignore', env: HOST_ENV, cwd: '/' },
  );
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('lab: could not spawn nsenter for sshd');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (!(await isAlive(pid))) {
      const log = await readFile(join(dir, 'log/sshd.log'), 'utf8').catch(() => '');
      throw new Error(`lab: sshd at ${ip}:${port} exited: ${log.trim().split('\n').slice(-3).join(' | ')}`);
    }
    // sshd writes its pid file once it listens: only then try a connection (each one costs sshd a fork).
    const written = await readFile(pidFile, 'utf8').catch(() => '');
    if (Number(written.trim()) === pid && (await commOf(pid)) === 'sshd' && (await bannerOnce(ip, port)))
      return pid;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`lab: sshd at ${ip}:${port} did not answer within 15 s`);
}
