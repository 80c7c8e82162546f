/**
 * `become` over SSH as a non-root user on a lab host with real sudo: passwordless sudo works, sudo
 * refusing (no rule, or a password needed and none given) is a clear module failure (not an
 * unreachable host), and a become password travels on stdin (`sudo -S`), never on a command line,
 * and is redacted from output. Needs the Debian package `sudo` (installed by .ci/run).
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnection } from '../../src/connections/ssh.js';
import { ConnectionError, ModuleError } from '../../src/errors.js';
import { startLab, type Lab, type LabHost } from '../lab/index.js';
import { copyModule } from '../../src/modules/copy.js';
import { redact } from '../../src/output/redact.js';
import { callModule } from './module-helpers.js';

let lab: Lab;
let host: LabHost;
const conns: SshConnection[] = [];
const PASSWORD = 'Sudo-Pass-4-tests';

function asDeploy(becomePassword?: string): SshConnection {
  const c = new SshConnection(host.name, {
    host: host.ip,
    port: host.port,
    user: 'deploy',
    privateKeyPath: lab.keyFile,
    knownHostsFile: lab.knownHostsFile,
    becomePassword,
  });
  conns.push(c);
  return c;
}

beforeAll(async () => {
  if (!existsSync('/usr/bin/sudo'))
    throw new Error('ssh-become tests need the Debian package sudo (apt-get install -y sudo)');
  lab = await startLab({ hosts: [{ name: 'become1', distro: 'ubuntu', services: [] }] });
  host = lab.hosts[0];
  const pub = readFileSync(`${lab.keyFile}.pub`, 'utf8').trim();
  // A user whose home is in the host's private /run (the host's /etc, with passwd and sudoers, is its own).
  const setup = [
    'useradd -M -d /run/deploy -s /bin/sh deploy',
    'mkdir -p /run/deploy/.ssh',
    `echo '${pub}' > /run/deploy/.ssh/authorized_keys`,
    'chown -R deploy: /run/deploy && chmod 700 /run/deploy/.ssh && chmod 600 /run/deploy/.ssh/authorized_keys',
    `echo 'deploy:${PASSWORD}' | chpasswd`,
  ].join(' && ');
  const r = await host.exec(setup);
  expect(r.stderr).toBe('');
});
afterAll(async () => {
  await Promise.all(conns.map((c) => c.close()));
  await lab?.stop();
});

describe('become', () => {
  it('without a sudo rule: a clear failure, not an unreachable host', async () => {
    const c = asDeploy();
    expect((await c.exec('id -un')).stdout).toBe('deploy\n');
    const err = await c.exec('id -u', { become: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleError);
    expect(err).not.toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/^become1: become failed: sudo: a password is required/);
  });

  it('with passwordless sudo, modules write as root', async () => {
    await host.exec(
      "echo 'deploy ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/deploy && chmod 440 /etc/sudoers.d/deploy",
    );
    const c = asDeploy();
    expect((await c.exec('id -u', { become: true })).stdout).toBe('0\n');
    const r = await callModule(
      copyModule,
      c,
      { content: 'root only\n', dest: '/etc/become-test', mode: '0600' },
      { become: true },
    );
    expect(r.changed).toBe(true);
    expect((await host.exec('stat -c "%U %a" /etc/become-test')).stdout).toBe('root 600\n');
    expect(
      (
        await callModule(
          copyModule,
          c,
          { content: 'root only\n', dest: '/etc/become-test', mode: '0600' },
          { become: true },
        )
      ).changed,
    ).toBe(false);
  });

  it('with a password rule: the password goes through sudo -S on stdin and is redacted', async () => {
    await host.exec("echo 'deploy ALL=(ALL) ALL' > /etc/sudoers.d/deploy");
    await expect(asDeploy().exec('id -u', { become: true })).rejects.toThrow(
      /become failed: sudo: a password is required/,
    );
    const c = asDeploy(PASSWORD);
    expect(await c.exec('id -u; cat', { become: true, stdin: 'data\n' })).toMatchObject({
      code: 0,
      stdout: '0\ndata\n',
    });
    // the password never shows up in the remote process list (it is not on any command line)
    const ps = await c.exec('ps -eo args', { become: true });
    expect(ps.stdout).not.toContain(PASSWORD);
    expect(redact(`failed with ${PASSWORD}`)).toBe('failed with ********');
    const wrong = asDeploy('not-the-password');
    await expect(wrong.exec('true', { become: true })).rejects.toThrow(
      /become failed: Sorry, try again.*incorrect password attempt/s,
    );
    // a wrong password is ONE attempt: the command's stdin (here a file to write) never reaches sudo
    // as further tries, and nothing of the command runs
    const err = await wrong
      .exec('cat > /tmp/become-never', { become: true, stdin: 'first line\nsecond line\n' })
      .catch((e: Error) => e);
    expect(String(err)).toMatch(/1 incorrect password attempt/);
    expect(String(err)).not.toMatch(/[23] incorrect password attempts/);
    expect((await host.exec('ls /tmp/become-never 2>&1 || true')).stdout).toMatch(/No such file/);
  });
});
