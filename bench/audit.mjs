// Times `certfleet audit` on 50 lab hosts (target < 5 s). Each host gets a TLS site on the web server
// the lab gave it (nginx, apache2 or haproxy, cycled), with one wildcard certificate for the fleet.
// Usage: npm run build && node bench/audit.mjs [hosts=50] [runs=3]
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { issue, makeCas } from '../test/lab/pki.ts';
import { parse, stringify } from 'yaml';
import { startLab } from '../test/lab/index.ts';

const N = Number(process.argv[2] ?? 50);
const RUNS = Number(process.argv[3] ?? 3);
const ROOT = join(import.meta.dirname, '..');

async function sh(h, cmd) {
  const r = await h.exec(cmd);
  if (r.code !== 0) throw new Error(`${h.name}: ${cmd}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}
async function put(h, path, content, mode = '644') {
  const b64 = Buffer.from(content).toString('base64');
  await sh(
    h,
    `mkdir -p "$(dirname ${path})" && printf %s ${b64} | base64 -d > ${path}.tmp && chmod ${mode} ${path}.tmp && mv ${path}.tmp ${path}`,
  );
}

async function seed(h, cert, chain) {
  const d = '/etc/ssl/certfleet/fleet';
  const name = `${h.name}.bench.example`;
  const svc = h.services[0];
  const https = h.ports[svc].https;
  if (svc === 'nginx') {
    await put(h, `${d}/fullchain.pem`, cert.cert + chain);
    await put(h, `${d}/privkey.pem`, cert.key, '600');
    await put(
      h,
      '/etc/nginx/sites-enabled/tls',
      `server {\n listen ${https} ssl;\n server_name ${name};\n ssl_protocols TLSv1.2 TLSv1.3;\n ssl_certificate ${d}/fullchain.pem;\n ssl_certificate_key ${d}/privkey.pem;\n}\n`,
    );
    await sh(h, 'nginx -s reload');
  } else if (svc === 'apache2') {
    await put(h, `${d}/cert.pem`, cert.cert);
    await put(h, `${d}/chain.pem`, chain);
    await put(h, `${d}/privkey.pem`, cert.key, '600');
    await put(
      h,
      '/etc/apache2/sites-enabled/tls.conf',
      `<VirtualHost *:${https}>\n ServerName ${name}\n SSLEngine on\n SSLProtocol -all +TLSv1.2 +TLSv1.3\n SSLCertificateFile ${d}/cert.pem\n SSLCertificateKeyFile ${d}/privkey.pem\n SSLCertificateChainFile ${d}/chain.pem\n</VirtualHost>\n`,
    );
    await sh(
      h,
      'cd /etc/apache2/mods-enabled && ln -sf ../mods-available/ssl.load ../mods-available/ssl.conf ../mods-available/socache_shmcb.load .',
    );
    await h.stopService('apache2');
    await h.startService('apache2');
  } else {
    await put(h, `${d}/haproxy.pem`, cert.cert + chain + cert.key, '600');
    const cfg = await sh(h, 'cat /etc/haproxy/haproxy.cfg');
    await put(
      h,
      '/etc/haproxy/haproxy.cfg',
      `${cfg}\nfrontend tls\n\tbind :${https} ssl crt ${d}/haproxy.pem\n\thttp-request return status 200\n`,
    );
    await h.stopService('haproxy');
    await h.startService('haproxy');
  }
}

function cli(args) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [join(ROOT, 'dist/bundle/certfleet.js'), ...args], { cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, ms: Number(process.hrtime.bigint() - t0) / 1e6, out, err }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'cf-bench-audit-'));
let lab;
try {
  const { intermediate } = makeCas(dir);
  const cert = issue(dir, { cn: '*.bench.example', names: ['*.bench.example'], issuer: intermediate });
  let t = Date.now();
  lab = await startLab({ hosts: N });
  await Promise.all(lab.hosts.map((h) => seed(h, cert, intermediate.cert)));
  console.log(`lab: ${N} hosts up and seeded in ${Date.now() - t} ms`);
  // the inventory schema calls Apache `apache`; the lab writes the Debian service name `apache2`
  const doc = parse(readFileSync(lab.inventoryFile, 'utf8'));
  for (const v of Object.values(doc.all.hosts)) {
    if (v.webserver === 'apache2') v.webserver = 'apache';
    if (Array.isArray(v.webservers)) v.webservers = v.webservers.map((w) => (w === 'apache2' ? 'apache' : w));
  }
  const inv = join(dir, 'inventory.yml');
  writeFileSync(inv, stringify(doc));
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    // node start-up of the same CLI under the same load, to read the audit's own cost
    const base = await cli(['--version']);
    const r = await cli(['audit', '-i', inv, '--json', '--forks', '25']);
    if (r.code === null || r.code > 2) throw new Error(`audit exited ${r.code}: ${r.err}`);
    const rep = JSON.parse(r.out);
    times.push(r.ms);
    console.log(
      `run ${i + 1}: ${r.ms.toFixed(0)} ms (CLI start-up alone ${base.ms.toFixed(0)} ms, load average ${loadavg()[0].toFixed(1)}), exit ${r.code}, ${rep.summary.hosts} hosts, ${rep.summary.certificates} certificates, ` +
        `${rep.hosts.reduce((n, h) => n + h.served.length, 0)} handshakes, findings: ${[...new Set(rep.findings.map((f) => f.code))].join(',') || 'none'}`,
    );
  }
  times.sort((a, b) => a - b);
  console.log(
    `certfleet audit, ${N} hosts: best ${times[0].toFixed(0)} ms, median ${times[Math.floor(times.length / 2)].toFixed(0)} ms (target < 5000 ms)`,
  );
} finally {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
}
