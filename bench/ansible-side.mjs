// What the benchmarks against Ansible share: timing a tool's run, Ansible at its best settings on the
// lab (ControlPersist + pipelining, strict host keys against the lab's known_hosts, explicit fact
// gathering, forks = hosts), ending the masters it leaves, and the median of the samples.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Run a command under /usr/bin/time: resolves with its exit code, output (stdout + stderr), wall and
 * CPU seconds (user + sys, waited children included) and the peak RSS of its largest process in MiB.
 */
export function timed(cmd, args, opts) {
  const timeFile = join(opts.cwd, `.time-${process.pid}`);
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', '%e %U %S %M', cmd, ...args], {
      ...opts,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop();
      const [wall, user, sys, rssKb] = last.split(' ').map(Number);
      resolve({ code, out, wall, cpu: user + sys, rssMb: rssKb / 1024 });
    });
  });
}

/** Write `dir/ansible.cfg` for `forks` parallel hosts of `lab`; ControlPersist sockets in `dir/cp`. */
export function ansibleConfig(dir, lab, forks) {
  mkdirSync(join(dir, 'cp'), { recursive: true });
  writeFileSync(
    join(dir, 'ansible.cfg'),
    [
      '[defaults]',
      `forks = ${forks}`,
      'gathering = explicit',
      'host_key_checking = True',
      `local_tmp = ${join(dir, 'ansible-tmp')}`,
      'interpreter_python = /usr/bin/python3',
      'retry_files_enabled = False',
      '[ssh_connection]',
      'pipelining = True',
      `control_path_dir = ${join(dir, 'cp')}`,
      `ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${lab.knownHostsFile} -o StrictHostKeyChecking=yes`,
      '',
    ].join('\n'),
  );
}

/** End the ControlPersist masters Ansible left behind (by their sockets, not by name). */
export function closeMasters(dir) {
  let sockets;
  try {
    sockets = readdirSync(join(dir, 'cp'));
  } catch {
    return; // no config written yet
  }
  for (const s of sockets) {
    try {
      execFileSync('ssh', ['-o', `ControlPath=${join(dir, 'cp', s)}`, '-O', 'exit', 'lab'], {
        stdio: 'ignore',
      });
    } catch {
      /* already gone */
    }
  }
}

/** Median of the samples (the upper one of an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
