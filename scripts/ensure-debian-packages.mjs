// Makes sure the Debian packages the lab and the tests need (.ci/debian-packages.txt) are installed:
// as root, installs the missing ones with apt-get; otherwise prints the one command to run and fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const list = readFileSync(new URL('../.ci/debian-packages.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

function installed(pkg) {
  try {
    const out = execFileSync('dpkg-query', ['-W', '-f', '${Status}', pkg], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.toString().includes('install ok installed');
  } catch {
    return false;
  }
}

const missing = list.filter((p) => !installed(p));
if (missing.length === 0) process.exit(0);
const line = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
if (process.getuid?.() !== 0) {
  console.error(`certfleet: missing Debian packages for the lab: ${missing.join(' ')}\nrun: sudo ${line}`);
  process.exit(1);
}
console.error(`certfleet: installing missing Debian packages: ${missing.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [
  ['update', '-qq'],
  ['install', '-y', '-qq', '--no-install-recommends', ...missing],
]) {
  const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`certfleet: apt-get ${args[0]} failed (exit ${r.status})`);
    process.exit(1);
  }
}
