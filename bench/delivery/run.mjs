// Delivery benchmark: what a certificate renewal costs with certfleet's per-host transaction
// (deliver → config test → reload → TLS check from the control node → rollback on failure) on N
// nginx lab hosts: first rollout, idempotent run (checksums only), renewal rollout. Then one HAProxy
// host: certificate swap through the runtime API (same PID) vs test + seamless reload.
// Run after `npm run build` (`npm run bench delivery` does both).
//
// Env: BENCH_SIZES=10,50  BENCH_OUT=file.json (results also written there)
import { execFileSync } from 'node:child_process';
import { makeCa, storeCert } from './store-cert.mjs';
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const dist = (p) => import(join(root, 'dist', p));
const { startLab } = await import(join(root, 'test', 'lab', 'index.ts'));
const { runPlaybook } = await dist('engine/run-playbook.js');
const { defaultConnectionFactory } = await dist('engine/connect.js');
const { loadInventory } = await dist('inventory/load.js');
const { selectHosts } = await dist('inventory/patterns.js');
const { loadPlaybook } = await dist('playbook/load.js');
const { writeDeliveryInventory } = await import(join(root, 'test', 'lab', 'demo', 'inventory.ts'));
const sizes = (process.env.BENCH_SIZES ?? '10,50').split(',').map(Number);

async function timedRun(playbook, inventory, lab) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runPlaybook({
    playbook: await loadPlaybook(playbook),
    inventory: await loadInventory([inventory]),
    selectHosts,
    connect: defaultConnectionFactory({ knownHostsFile: lab.knownHostsFile }),
    emit: () => undefined,
  });
  const cpu = process.cpuUsage(cpu0);
  if (r.exitCode !== 0) throw new Error(`bench: run failed with exit ${r.exitCode}`);
  const changed = [...r.stats.hosts.values()].reduce((n, s) => n + s.changed, 0);
  return { wall: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6, changed };
}

const dir = mkdtempSync('/var/tmp/certfleet-bench-delivery-');
const ca = makeCa(dir);
const play = (group, role, vars) =>
  `- hosts: ${group}\n  gather_facts: true\n  vars: { certfleet_state_dir: ${dir} }\n  roles:\n    - role: ${role}\n      vars: ${JSON.stringify(vars)}\n`;
const nginxPb = join(dir, 'nginx.yml');
writeFileSync(
  nginxPb,
  play('nginx', 'nginx_tls', {
    nginx_tls_cert: 'wild',
    nginx_tls_server_names: ['www.example.test'],
    nginx_tls_verify_name: 'www.example.test',
  }),
);
const results = [];
try {
  for (const n of sizes) {
    const lab = await startLab({
      hosts: Array.from({ length: n }, (_, i) => ({
        name: `b${i + 1}`,
        distro: 'debian',
        services: ['nginx'],
      })),
    });
    try {
      const inv = join(dir, `inv-${n}.yml`);
      await writeDeliveryInventory(lab, inv);
      storeCert(dir, ca);
      const first = await timedRun(nginxPb, inv, lab);
      const idem = await timedRun(nginxPb, inv, lab);
      storeCert(dir, ca);
      const renewal = await timedRun(nginxPb, inv, lab);
      results.push({ hosts: n, first, idempotent: idem, renewal });
    } finally {
      await lab.stop();
    }
  }
  // HAProxy: hot update vs reload, 5 renewals each
  const lab = await startLab({ hosts: [{ name: 'lb', distro: 'debian', services: ['haproxy'] }] });
  try {
    const inv = join(dir, 'inv-lb.yml');
    await writeDeliveryInventory(lab, inv);
    const hot = join(dir, 'hot.yml');
    const reload = join(dir, 'reload.yml');
    writeFileSync(
      hot,
      play('haproxy', 'haproxy_tls', {
        haproxy_tls_cert: 'wild',
        haproxy_tls_verify_name: 'www.example.test',
      }),
    );
    writeFileSync(
      reload,
      play('haproxy', 'haproxy_tls', {
        haproxy_tls_cert: 'wild',
        haproxy_tls_verify_name: 'www.example.test',
        haproxy_tls_admin_socket: '/run/haproxy/none.sock',
      }),
    );
    storeCert(dir, ca);
    await timedRun(hot, inv, lab);
    for (const [kind, pb] of [
      ['runtime API', hot],
      ['reload', reload],
    ]) {
      const pid0 = await lab.hosts[0].servicePid('haproxy');
      const walls = [];
      for (let i = 0; i < 5; i++) {
        storeCert(dir, ca);
        walls.push((await timedRun(pb, inv, lab)).wall);
      }
      walls.sort((a, b) => a - b);
      const samePid = (await lab.hosts[0].servicePid('haproxy')) === pid0;
      results.push({ haproxy: kind, medianWall: walls[2], samePid });
    }
  } finally {
    await lab.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const f = (x) => x.toFixed(2).padStart(7);
console.log('hosts | first run (wall s, cpu s) | idempotent          | renewal rollout');
for (const r of results.filter((x) => x.hosts)) {
  console.log(
    `${String(r.hosts).padStart(5)} | ${f(r.first.wall)} ${f(r.first.cpu)}          | ${f(r.idempotent.wall)} ${f(r.idempotent.cpu)} | ${f(r.renewal.wall)} ${f(r.renewal.cpu)}  (changed ${r.renewal.changed})`,
  );
}
for (const r of results.filter((x) => x.haproxy)) {
  console.log(`haproxy ${r.haproxy.padEnd(11)}: median run ${f(r.medianWall)} s, same PID: ${r.samePid}`);
}
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(results, null, 2));

// The same full delivery against ansible-playbook (vs-ansible.mjs); BENCH_VS_ANSIBLE=0 skips it.
if (process.env.BENCH_VS_ANSIBLE !== '0') {
  const out = process.env.BENCH_OUT;
  execFileSync(process.execPath, [join(here, 'vs-ansible.mjs')], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_OUT: out ? out.replace(/(\.json)?$/, '-vs-ansible.json') : '' },
  });
}
