// Issuance benchmark: the same wildcard + apex certificate (*.example.test + example.test, DNS-01
// over RFC 2136 with TSIG) issued by certfleet, lego and certbot against the same Pebble + bind9,
// RUNS times each (fresh account + state each run, so everyone registers and orders), then the
// medians and ratios. Needs `npm run build` (bench/run.mjs does it). `node bench/issuance.mjs [RUNS]`.
// Every tool gets its best lab settings: lego --dns.disable-cp + resolvers on bind9 + 1 s polling
// + 1 s sequence interval (default 60 s between apex and wildcard),
// certbot --dns-rfc2136-propagation-seconds 1 (its fixed sleep; default 60 s).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/* global AbortSignal */

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '../dist');
const { startBind9 } = await import(join(dist, 'lab/bind9.js'));
const { startPebble } = await import(join(dist, 'lab/pebble.js'));
const { acmeCertificateModule } = await import(join(dist, 'modules/acme_certificate.js'));

const RUNS = Number(process.argv[2] ?? 5);
const DOMAINS = ['*.example.test', 'example.test'];
const work = mkdtempSync(join(tmpdir(), `certfleet-bench-issuance-${process.pid}-`));
const bind = await startBind9({ zones: ['example.test'] });
const pebble = await startPebble({ dnsServer: `127.0.0.1:${bind.port}` });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
async function timed(fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function certfleet(i) {
  const params = {
    name: 'wild',
    domains: DOMAINS,
    directory: pebble.directoryUrl,
    email: 'bench@example.test',
    ca_bundle: pebble.caCertFile,
    state_dir: join(work, `certfleet-${i}`),
    dns: {
      provider: 'rfc2136',
      nameserver: `127.0.0.1:${bind.port}`,
      tsig_key_name: bind.tsig.name,
      tsig_algorithm: bind.tsig.algorithm,
      tsig_secret: bind.tsig.secret,
      nameservers: [`127.0.0.1:${bind.port}`],
      authoritative_override: bind.authoritativeOverride,
    },
  };
  const ctx = {
    params, host: 'localhost', vars: {}, facts: {}, check: false, diff: false, become: false,
    searchPaths: { files: [], templates: [] }, playbookDir: work, render: (s) => s, warn: () => {},
    signal: AbortSignal.timeout(120_000),
    conn: new Proxy({}, { get: () => { throw new Error('control-node module used a connection'); } }),
  }; // prettier-ignore
  return acmeCertificateModule.run(ctx).then((r) => {
    if (r.data.action !== 'issue') throw new Error(`certfleet did not issue: ${r.msg}`);
  });
}

function lego(i) {
  const env = {
    ...process.env,
    LEGO_CA_CERTIFICATES: pebble.caCertFile,
    RFC2136_NAMESERVER: `127.0.0.1:${bind.port}`,
    RFC2136_TSIG_KEY: bind.tsig.name,
    RFC2136_TSIG_SECRET: bind.tsig.secret,
    RFC2136_TSIG_ALGORITHM: `${bind.tsig.algorithm}.`,
    RFC2136_POLLING_INTERVAL: '1',
    RFC2136_PROPAGATION_TIMEOUT: '60',
    // lego solves apex and wildcard one after the other (same record name), sleeping this long
    // between them (default 60 s): 1 s gives it its best case
    RFC2136_SEQUENCE_INTERVAL: '1',
  };
  const args = ['--server', pebble.directoryUrl, '--email', 'bench@example.test', '--accept-tos', '--path', join(work, `lego-${i}`),
    '--dns', 'rfc2136', '--dns.resolvers', `127.0.0.1:${bind.port}`, '--dns.disable-cp',
    ...DOMAINS.flatMap((d) => ['-d', d]), 'run']; // prettier-ignore
  return run('lego', args, { env, timeout: 120_000 });
}

function certbot(i) {
  const dir = join(work, `certbot-${i}`);
  const ini = join(work, `certbot-${i}.ini`);
  writeFileSync(ini, [
    'dns_rfc2136_server = 127.0.0.1', `dns_rfc2136_port = ${bind.port}`, `dns_rfc2136_name = ${bind.tsig.name}`,
    `dns_rfc2136_secret = ${bind.tsig.secret}`, `dns_rfc2136_algorithm = ${bind.tsig.algorithm.toUpperCase()}`, '',
  ].join('\n')); // prettier-ignore
  chmodSync(ini, 0o600);
  const args = ['certonly', '--non-interactive', '--agree-tos', '--email', 'bench@example.test', '--server', pebble.directoryUrl,
    '--dns-rfc2136', '--dns-rfc2136-credentials', ini, '--dns-rfc2136-propagation-seconds', '1',
    '--config-dir', join(dir, 'config'), '--work-dir', join(dir, 'work'), '--logs-dir', join(dir, 'logs'),
    ...DOMAINS.flatMap((d) => ['-d', d])]; // prettier-ignore
  return run('certbot', args, {
    env: { ...process.env, REQUESTS_CA_BUNDLE: pebble.caCertFile },
    timeout: 180_000,
  });
}

const tools = { certfleet, lego, certbot };
const results = {};
try {
  for (const [name, fn] of Object.entries(tools)) {
    results[name] = [];
    for (let i = 0; i < RUNS; i++) {
      try {
        results[name].push(await timed(() => fn(i)));
      } catch (err) {
        console.error(
          `${name} run ${i + 1} failed: ${(err.stderr || err.message || String(err)).toString().slice(-600)}`,
        );
      }
    }
    // every tool must leave the zone clean
    const left = await bind.txt('_acme-challenge.example.test.');
    if (left.length) console.error(`${name} left TXT records behind: ${left.join(', ')}`);
  }
} finally {
  await pebble.stop();
  await bind.stop();
  rmSync(work, { recursive: true, force: true });
}

const base = results.certfleet.length ? median(results.certfleet) : NaN;
console.log(
  `issuance of ${DOMAINS.join(' + ')} via DNS-01 (rfc2136), ${RUNS} runs each, fresh account each run`,
);
console.log('tool        ok  median ms   min ms   max ms   × certfleet');
for (const [name, xs] of Object.entries(results)) {
  if (!xs.length) {
    console.log(`${name.padEnd(10)}  0/${RUNS}  (all runs failed)`);
    continue;
  }
  const m = median(xs);
  const row = [`${xs.length}/${RUNS}`.padStart(3), m.toFixed(0).padStart(10), Math.min(...xs).toFixed(0).padStart(8),
    Math.max(...xs).toFixed(0).padStart(8), (m / base).toFixed(1).padStart(12)]; // prettier-ignore
  console.log(`${name.padEnd(10)} ${row.join(' ')}`);
}
if (results.certfleet.length < RUNS || base > 1000) {
  console.error(
    `certfleet target missed: ${results.certfleet.length}/${RUNS} ok, median ${base.toFixed(0)} ms (target ≤ 1000 ms)`,
  );
  process.exitCode = 1;
}
