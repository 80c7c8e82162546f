// Inventory loading benchmark: generates a 5,000-host inventory directory (YAML with nested
// groups and host ranges, an INI file of role groups, group_vars/ files and directories,
// host_vars/) in a temp dir and times `node dist/bundle/certfleet.js inventory -i DIR --list`, CLI start
// included (median of 5). With ansible-inventory installed it also times it once and checks that
// both print the same inventory. Run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = join(repo, 'dist/bundle/certfleet.js');
if (!existsSync(cli)) {
  console.error('bench/inventory: dist/bundle/certfleet.js is missing, run `npm run build` first');
  process.exit(1);
}

const REGIONS = 10;
const DCS = 5;
const PER_DC = 100;

function generate(dir) {
  const yaml = ['all:', '  vars:', '    ansible_user: deploy', '  children:'];
  for (let r = 0; r < REGIONS; r++) {
    yaml.push(`    region_${r}:`, '      vars:', `        region: r${r}`, '      children:');
    for (let d = 0; d < DCS; d++) {
      yaml.push(`        dc_${r}_${d}:`, '          vars:', `            dc: d${d}`, '          hosts:');
      yaml.push(`            web-${r}-${d}-[0001:${String(PER_DC).padStart(4, '0')}].example.com:`);
      yaml.push('              ansible_port: 22', '              webserver: nginx');
    }
  }
  writeFileSync(join(dir, '10-hosts.yml'), `${yaml.join('\n')}\n`);
  const ini = ['[canary]'];
  for (let r = 0; r < REGIONS; r++) ini.push(`web-${r}-0-[0001:0010].example.com canary=True weight=${r}`);
  ini.push('', '[apache]');
  for (let r = 0; r < REGIONS; r++) ini.push(`web-${r}-1-[0001:0100].example.com webserver=apache`);
  ini.push('', '[prod:children]', 'canary', 'apache', '', '[prod:vars]', 'env=prod', 'distro=debian');
  writeFileSync(join(dir, '20-roles'), `${ini.join('\n')}\n`);
  mkdirSync(join(dir, 'group_vars/apache'), { recursive: true });
  writeFileSync(join(dir, 'group_vars/all.yml'), 'ntp: ntp.example.com\nacme_email: ops@example.com\n');
  for (let r = 0; r < REGIONS; r++) writeFileSync(join(dir, `group_vars/region_${r}.yml`), `zone: z${r}\n`);
  writeFileSync(join(dir, 'group_vars/apache/10-main.yml'), 'webserver: apache\nreload: graceful\n');
  writeFileSync(join(dir, 'group_vars/apache/20-tls.json'), '{"tls_protocols": ["TLSv1.2", "TLSv1.3"]}\n');
  mkdirSync(join(dir, 'host_vars'));
  for (let i = 1; i <= 50; i++) {
    const name = `web-${i % REGIONS}-2-${String(i).padStart(4, '0')}.example.com`;
    writeFileSync(join(dir, 'host_vars', `${name}.yml`), `ansible_host: 10.0.${i}.1\n`);
  }
}

/**
 * Wall time and CPU time (user+sys of the child, from bash's `times`): on a shared machine the
 * wall time swings with the load, the CPU time much less, so both are reported.
 */
function time(cmd, args, outFile) {
  const quoted = [cmd, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const start = process.hrtime.bigint();
  const res = spawnSync('bash', ['-c', `${quoted} > '${outFile}' && times`], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${res.stderr}`);
  const seconds = (t) => {
    const m = /(\d+)m([\d.]+)s/.exec(t);
    return Number(m[1]) * 60 + Number(m[2]);
  };
  const [user, sys] = res.stdout.trim().split('\n')[1].split(/\s+/).map(seconds);
  return { ms, cpuMs: (user + sys) * 1000, stdout: readFileSync(outFile, 'utf8') };
}

const dir = mkdtempSync(join(tmpdir(), 'certfleet-bench-inventory-'));
try {
  mkdirSync(join(dir, 'inv'));
  generate(join(dir, 'inv'));
  const inv = join(dir, 'inv');
  const outFile = join(dir, 'out.json');
  const runs = [];
  const cpu = [];
  let out = '';
  for (let i = 0; i < Number(process.env.BENCH_RUNS ?? 5); i++) {
    const r = time(process.execPath, [cli, 'inventory', '-i', inv, '--list'], outFile);
    runs.push(r.ms);
    cpu.push(r.cpuMs);
    out = r.stdout;
  }
  const median = (xs) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
  const list = JSON.parse(out);
  const hosts = Object.keys(list._meta.hostvars).length;
  const result = {
    hosts,
    certfleetMedianMs: median(runs),
    certfleetMedianCpuMs: median(cpu),
    certfleetRunsMs: runs.map(Math.round),
    loadAverage1m: Number(loadavg()[0].toFixed(1)),
  };
  const ansible = spawnSync('ansible-inventory', ['--version'], { encoding: 'utf8' });
  if (ansible.status === 0) {
    const a = time('ansible-inventory', ['-i', inv, '--list'], outFile);
    result.ansibleInventoryMs = Math.round(a.ms);
    result.ansibleInventoryCpuMs = Math.round(a.cpuMs);
    result.sameAsAnsible = isDeepStrictEqual(JSON.parse(a.stdout), list);
  }
  console.log(JSON.stringify(result, null, 2));
} finally {
  // BENCH_KEEP_DIR=1 keeps the generated inventory for profiling
  if (process.env.BENCH_KEEP_DIR) console.error(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
