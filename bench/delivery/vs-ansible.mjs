// Full delivery benchmark, certfleet vs ansible-playbook: deliver a stored certificate (4 files, key
// 0600), configure the nginx site (TLS snippet + site + sites-enabled link), nginx -t, reload only on
// change, verify from the control node that the served serial is the stored one. certfleet runs the
// real nginx_tls role (certfleet.yml, which also rolls back on failure); Ansible runs ansible.yml
// (ansible-core builtin modules, ControlPersist + pipelining, forks = N, strict known_hosts, as in
// bench/fleet). N hosts, first run (from hosts without the files) and idempotent run (must be
// changed=0 on every host, or the bench fails), median of the runs. Wall and controller CPU (user+sys
// of the tool and every child it waited for, /usr/bin/time), ratio Ansible/certfleet.
// Run after `npm run build`.
//
// Env: BENCH_SIZES=10,50  BENCH_RUNS=3 (or one per size: 3,1)  BENCH_OUT=file.json
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { ansibleConfig, closeMasters, median, timed } from '../ansible-side.mjs';
import { makeCa, storeCert } from './store-cert.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { startLab } = await import(join(root, 'test', 'lab', 'index.ts'));
const { writeDeliveryInventory } = await import(join(root, 'test', 'lab', 'demo', 'inventory.ts'));
const sizes = (process.env.BENCH_SIZES ?? '10,50').split(',').map(Number);
const runsList = (process.env.BENCH_RUNS ?? '3').split(',').map(Number);
const runsFor = (i) => runsList[Math.min(i, runsList.length - 1)];

/** Remove what both playbooks create (certificate dir, snippet, site, link) so the next run is a first run. */
async function reset(lab) {
  const rm =
    'rm -rf /etc/ssl/certfleet /etc/nginx/snippets/certfleet-certfleet-ssl.conf ' +
    '/etc/nginx/sites-available/certfleet-certfleet.conf /etc/nginx/sites-enabled/certfleet-certfleet.conf';
  await Promise.all(lab.hosts.map((h) => h.exec(`${rm} && nginx -s reload`)));
}

/** Per-host changed counts from a recap (`host : ok=.. changed=N ...`), to prove idempotence host by host. */
function changedByHost(out) {
  return [...out.matchAll(/^\s*(\S+)\s*:\s*ok=\d+\s+changed=(\d+)/gm)].map((m) => [m[1], Number(m[2])]);
}

/** Serial served by one host (TLS handshake with SNI, outside the timed run), upper-case hex. */
function servedSerial(h) {
  return new Promise((resolve, reject) => {
    const opts = {
      host: h.ip,
      port: h.ports.nginx.https,
      servername: 'www.example.test',
      rejectUnauthorized: false,
    };
    const s = connect(opts, () => {
      resolve(s.getPeerCertificate().serialNumber.toUpperCase());
      s.end();
    });
    s.setTimeout(5000, () => s.destroy(new Error(`${h.name}: TLS timeout`)));
    s.on('error', reject);
  });
}

async function benchSize(n, runs) {
  const lab = await startLab({
    hosts: Array.from({ length: n }, (_, i) => ({
      name: `d${String(i + 1).padStart(2, '0')}`,
      distro: 'debian',
      services: ['nginx'],
    })),
  });
  const dir = mkdtempSync('/var/tmp/certfleet-bench-vs-ansible-');
  try {
    for (const f of ['certfleet.yml', 'ansible.yml', 'templates'])
      cpSync(join(here, f), join(dir, f), { recursive: true });
    const state = join(dir, 'state');
    mkdirSync(state, { mode: 0o700 });
    storeCert(state, makeCa(dir));
    const stored = new X509Certificate(readFileSync(join(state, 'certs', 'wild', 'live', 'cert.pem')))
      .serialNumber;
    const inv = join(dir, 'inventory.yml');
    await writeDeliveryInventory(lab, inv, { certfleet_state_dir: state });
    ansibleConfig(dir, lab, n);
    const cli = join(root, 'dist', 'bundle', 'certfleet.js');
    const tools = {
      certfleet: () =>
        timed(
          'node',
          [cli, 'run', 'certfleet.yml', '-i', inv, '-f', String(n), '--known-hosts', lab.knownHostsFile],
          {
            cwd: dir,
            env: { ...process.env, NO_COLOR: '1' },
          },
        ),
      ansible: () =>
        timed('ansible-playbook', ['-i', inv, 'ansible.yml'], {
          cwd: dir,
          env: { ...process.env, ANSIBLE_CONFIG: join(dir, 'ansible.cfg'), ANSIBLE_NOCOLOR: '1' },
        }),
    };
    const rows = [];
    for (const [tool, run] of Object.entries(tools)) {
      for (const phase of ['first', 'idempotent']) {
        const samples = [];
        for (let i = 0; i < runs; i++) {
          if (phase === 'first') await reset(lab);
          const r = await run();
          const fail = (why) => new Error(`${tool} ${phase} run (N=${n}): ${why}\n${r.out.slice(-3000)}`);
          if (r.code !== 0) throw fail(`exit ${r.code}`);
          const recap = changedByHost(r.out);
          if (recap.length !== n) throw fail(`recap lists ${recap.length} hosts, expected ${n}`);
          const changedHosts = recap.filter(([, c]) => c > 0);
          if (phase === 'idempotent' && changedHosts.length)
            throw fail(`idempotent run changed ${changedHosts.map(([h, c]) => `${h}=${c}`).join(' ')}`);
          if (phase === 'first' && changedHosts.length !== n)
            throw fail('first run did not change every host');
          // independent of both tools' own checks: every host serves the stored certificate now
          const served = await Promise.all(lab.hosts.map(servedSerial));
          if (served.some((x) => x !== stored.toUpperCase()))
            throw fail(`served serials ${served} != stored ${stored}`);
          if (process.env.BENCH_VERBOSE) console.error(r.out);
          samples.push(r);
          console.error(
            `N=${n} ${tool} ${phase} #${i + 1}: ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s cpu`,
          );
        }
        rows.push({
          n,
          runs,
          tool,
          phase,
          wall: median(samples.map((s) => s.wall)),
          cpu: median(samples.map((s) => s.cpu)),
        });
      }
      if (tool === 'ansible') closeMasters(dir);
    }
    return rows;
  } finally {
    closeMasters(dir);
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const all = [];
for (const [i, n] of sizes.entries()) all.push(...(await benchSize(n, runsFor(i))));

const fmt = (x) => x.toFixed(2).padStart(7);
console.log(
  '\nfull delivery, certfleet (nginx_tls role) vs ansible-playbook: median wall and controller CPU (s)',
);
console.log('hosts runs  phase       certfleet wall    cpu | ansible wall    cpu | ratio wall  ratio cpu');
for (const n of sizes)
  for (const phase of ['first', 'idempotent']) {
    const c = all.find((r) => r.n === n && r.tool === 'certfleet' && r.phase === phase);
    const a = all.find((r) => r.n === n && r.tool === 'ansible' && r.phase === phase);
    console.log(
      `${String(n).padStart(5)} ${String(c.runs).padStart(4)}  ${phase.padEnd(10)}  ${fmt(c.wall)} ${fmt(c.cpu)} | ${fmt(a.wall)} ${fmt(a.cpu)} | ${fmt(a.wall / c.wall)}x ${fmt(a.cpu / c.cpu)}x`,
    );
  }
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(all, null, 2));
