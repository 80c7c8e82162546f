// Fleet benchmark: the same work (3 certificate files incl. a 0600 key, an nginx TLS site from a
// template, `nginx -t`, reload through a handler) done by certfleet and by ansible-playbook
// (ControlPersist + pipelining, forks = N) on the same lab hosts, for N = 10 and 50 hosts, first run
// and idempotent run, median of 3. Prints a table with the ratio Ansible/certfleet, wall time and the
// controller's CPU time (user+sys of the tool and every child it waited for, from /usr/bin/time).
//
// Env: BENCH_SIZES=10,50  BENCH_RUNS=3  BENCH_OUT=file.json (results also written there)
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ansibleConfig, closeMasters, median, timed } from '../ansible-side.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { startLab } = await import(join(root, 'test', 'lab', 'index.ts'));
const { selfSignedFiles } = await import(join(root, 'test', 'lab', 'pki.ts'));
const sizes = (process.env.BENCH_SIZES ?? '10,50').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);

/** Throw-away CA-less TLS material: a self-signed EC certificate, its key (0600) and a "chain". */
function makeFiles(dir) {
  mkdirSync(join(dir, 'files'), { recursive: true });
  const key = join(dir, 'files', 'privkey.pem');
  const cert = join(dir, 'files', 'fullchain.pem');
  selfSignedFiles({ keyFile: key, certFile: cert, cn: '*.lab.test' });
  cpSync(cert, join(dir, 'files', 'chain.pem'));
}

/** Remove what the playbooks create so that the next run is a first run again. */
async function reset(lab) {
  await Promise.all(
    lab.hosts.map((h) =>
      h.exec('rm -rf /etc/ssl/certfleet /etc/nginx/sites-enabled/certfleet-tls.conf && nginx -s reload'),
    ),
  );
}

/** Changed count summed over hosts from each tool's recap, to prove the idempotent run is one. */
function changedCount(out) {
  return [...out.matchAll(/changed=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
}

async function benchSize(n) {
  const lab = await startLab({
    hosts: Array.from({ length: n }, (_, i) => ({
      name: `f${String(i + 1).padStart(2, '0')}`,
      services: ['nginx'],
    })),
  });
  const dir = mkdtempSync(join(tmpdir(), 'certfleet-bench-'));
  try {
    for (const f of ['certfleet.yml', 'ansible.yml', 'templates'])
      cpSync(join(here, f), join(dir, f), { recursive: true });
    makeFiles(dir);
    ansibleConfig(dir, lab, n);
    const tools = {
      certfleet: () =>
        timed(
          'node',
          [
            join(root, 'dist', 'bundle', 'certfleet.js'),
            'run',
            'certfleet.yml',
            '-i',
            lab.inventoryFile,
            '-f',
            String(n),
            '--known-hosts',
            lab.knownHostsFile,
          ],
          { cwd: dir, env: { ...process.env, NO_COLOR: '1' } },
        ),
      ansible: () =>
        timed('ansible-playbook', ['-i', lab.inventoryFile, 'ansible.yml'], {
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
          if (r.code !== 0)
            throw new Error(`${tool} ${phase} run failed (exit ${r.code}):\n${r.out.slice(-3000)}`);
          const changed = changedCount(r.out);
          if (phase === 'idempotent' && changed !== 0)
            throw new Error(`${tool}: idempotent run changed ${changed} task(s)\n${r.out.slice(-2000)}`);
          if (phase === 'first' && changed < n)
            throw new Error(`${tool}: first run changed only ${changed} task(s)\n${r.out.slice(-2000)}`);
          samples.push(r);
        }
        rows.push({
          n,
          tool,
          phase,
          wall: median(samples.map((s) => s.wall)),
          cpu: median(samples.map((s) => s.cpu)),
          rssMb: median(samples.map((s) => s.rssMb)),
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
for (const n of sizes) all.push(...(await benchSize(n)));

const fmt = (x) => x.toFixed(2).padStart(7);
console.log(
  `\nfleet benchmark: median of ${runs} runs, wall and controller CPU (user+sys incl. waited children) in seconds, rss = largest single process in MiB (Ansible's forks are separate processes)`,
);
console.log(
  'hosts  phase       certfleet wall    cpu    rss | ansible wall    cpu    rss | ratio wall  ratio cpu',
);
for (const n of sizes)
  for (const phase of ['first', 'idempotent']) {
    const c = all.find((r) => r.n === n && r.tool === 'certfleet' && r.phase === phase);
    const a = all.find((r) => r.n === n && r.tool === 'ansible' && r.phase === phase);
    console.log(
      `${String(n).padStart(5)}  ${phase.padEnd(10)}  ${fmt(c.wall)} ${fmt(c.cpu)} ${fmt(c.rssMb)} | ${fmt(a.wall)} ${fmt(a.cpu)} ${fmt(a.rssMb)} | ${fmt(a.wall / c.wall)}x ${fmt(a.cpu / c.cpu)}x`,
    );
  }
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(all, null, 2));
