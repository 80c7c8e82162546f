#!/usr/bin/env node
// `npm run lab:up -- N [--no-netns]`: start a persistent lab of N simulated hosts and print where it is.
// `npm run lab:down [-- --all]`: remove leftover labs (persistent ones and those whose process died;
// --all also those of running processes, e.g. someone else's test run).
import { performance } from 'node:perf_hooks';
import { startLab, stopAllLabs } from '../test/lab/index.ts';

const [cmd, ...rest] = process.argv.slice(2);
const flags = new Set(rest.filter((a) => a.startsWith('--')));
const args = rest.filter((a) => !a.startsWith('--'));

async function up() {
  const n = args[0] === undefined ? 3 : Number(args[0]);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`lab:up: the host count must be a positive integer, got "${args[0]}"`);
    process.exit(4);
  }
  const t0 = performance.now();
  const lab = await startLab({
    hosts: n,
    persistent: true,
    netns: flags.has('--no-netns') ? false : undefined,
  });
  const secs = ((performance.now() - t0) / 1000).toFixed(2);
  console.log(
    `lab ${lab.id}: ${lab.hosts.length} hosts up in ${secs} s (${lab.netns ? 'network namespaces' : 'loopback ports'})`,
  );
  console.log(`  dir          ${lab.dir}`);
  console.log(`  inventory    ${lab.inventoryFile}`);
  console.log(`  key          ${lab.keyFile}`);
  console.log(`  known_hosts  ${lab.knownHostsFile}`);
  console.log(`  control ip   ${lab.controlIp}`);
  for (const h of lab.hosts.slice(0, 5)) {
    console.log(`  ${h.name.padEnd(8)} ${h.ip}:${h.port} ${h.distro.padEnd(7)} ${h.services.join(',')}`);
  }
  if (lab.hosts.length > 5) console.log(`  ... ${lab.hosts.length - 5} more in the inventory`);
  const h = lab.hosts[0];
  console.log(
    `try: ssh -i ${lab.keyFile} -o UserKnownHostsFile=${lab.knownHostsFile} -p ${h.port} root@${h.ip} cat /etc/os-release`,
  );
}

async function down() {
  const t0 = performance.now();
  const { stopped, skipped } = await stopAllLabs({ all: flags.has('--all') });
  const secs = ((performance.now() - t0) / 1000).toFixed(2);
  console.log(
    `removed ${stopped.length} lab(s) in ${secs} s${stopped.length ? `: ${stopped.join(', ')}` : ''}`,
  );
  if (skipped.length)
    console.log(`left ${skipped.length} lab(s) of running processes (use --all): ${skipped.join(', ')}`);
}

try {
  if (cmd === 'up') await up();
  else if (cmd === 'down') await down();
  else {
    console.error('usage: node scripts/lab.mjs up [N] [--no-netns] | down [--all]');
    process.exit(4);
  }
} catch (err) {
  console.error(`lab ${cmd}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(5);
}
