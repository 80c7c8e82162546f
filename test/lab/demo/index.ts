/**
 * `npm run demo`: a whole certfleet rollout on this machine. Starts bind9 (DNS-01 over RFC 2136),
 * Pebble (ACME test CA) and five simulated hosts (mixed distros; nginx, Apache, HAProxy), runs
 * `playbooks/site.yml` with the real runner, runs it again to show `changed=0`, checks from here
 * which certificate each host serves (TLS with SNI, verified against Pebble's root), and stops
 * everything it started — also on Ctrl-C or a failure. With CERTFLEET_DEMO_KEEP=DIR its work dir (the
 * inventory with the DNS credentials, the state dir with the certificate store, account and journal)
 * is moved to DIR instead of deleted, for inspection.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConnectionFactory } from '../../../src/engine/connect.js';
import { runPlaybook } from '../../../src/engine/run-playbook.js';
import { ExitCode, messageOf } from '../../../src/errors.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { selectHosts } from '../../../src/inventory/patterns.js';
import { startBind9, type Bind9Lab } from '../bind9.js';
import { startLab, type Lab, type LabHostSpec } from '../index.js';
import { startPebble, type PebbleLab } from '../pebble.js';
import { plainRenderer } from '../../../src/output/plain.js';
import { loadPlaybook } from '../../../src/playbook/load.js';
import { writeDeliveryInventory } from './inventory.js';
import { ensurePrerequisites } from './prereqs.js';
import { servedTable } from './served.js';

/** The demo fleet: every distro, every server kind. */
export const DEMO_HOSTS: LabHostSpec[] = [
  { name: 'web1', distro: 'debian', services: ['nginx'] },
  { name: 'web2', distro: 'centos', services: ['nginx'] },
  { name: 'web3', distro: 'ubuntu', services: ['apache2'] },
  { name: 'web4', distro: 'rhel', services: ['nginx'] },
  { name: 'lb1', distro: 'debian', services: ['haproxy'] },
];

/** The project's site playbook (test/lab/demo → ../../../playbooks). */
export const SITE_PLAYBOOK = fileURLToPath(new URL('../../../playbooks/site.yml', import.meta.url));

const out = (s: string) => process.stdout.write(s);
const say = (s: string) => out(`\n\x1b[1m== ${s}\x1b[0m\n`);

/** Run the demo; resolves with the process exit code. */
export async function runDemo(): Promise<number> {
  const problem = ensurePrerequisites((s) => out(`${s}\n`));
  if (problem) {
    process.stderr.write(`certfleet demo: ${problem}\n`);
    return ExitCode.CONTROL_FAILED;
  }
  const started = Date.now();
  const dir = await mkdtemp('/var/tmp/certfleet-demo-');
  let bind: Bind9Lab | undefined;
  let pebble: PebbleLab | undefined;
  let lab: Lab | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> =>
    (stopping ??= (async () => {
      await lab?.stop().catch((e: unknown) => process.stderr.write(`lab stop: ${messageOf(e)}\n`));
      await pebble?.stop().catch(() => undefined);
      await bind?.stop().catch(() => undefined);
      const keep = process.env.CERTFLEET_DEMO_KEEP;
      if (keep) await cp(dir, keep, { recursive: true, preserveTimestamps: true });
      await rm(dir, { recursive: true, force: true });
    })());
  const onSignal = (): void => {
    process.stderr.write('\ncertfleet demo: interrupted, stopping everything it started ...\n');
    void stopAll().then(() => process.exit(ExitCode.INTERRUPTED));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    say('starting bind9, Pebble and 5 lab hosts');
    bind = await startBind9({ zones: ['example.test'] });
    pebble = await startPebble({ dnsServer: `127.0.0.1:${bind.port}` });
    lab = await startLab({ hosts: DEMO_HOSTS });
    out(`  lab ${lab.id}, bind9 on 127.0.0.1:${bind.port}, Pebble at ${pebble.directoryUrl}\n`);
    for (const h of lab.hosts)
      out(`  ${h.name.padEnd(5)} ${h.distro.padEnd(7)} ${h.services.join(',').padEnd(8)} ${h.ip}\n`);
    const inventory = join(dir, 'inventory.yml');
    const rootFile = join(dir, 'pebble-root.pem');
    await writeFile(rootFile, await pebble.rootPem());
    await writeDeliveryInventory(lab, inventory, {
      cert_name: 'wildcard',
      cert_domains: ['*.example.test', 'example.test'],
      acme_directory: pebble.directoryUrl,
      acme_email: 'ops@example.test',
      acme_ca_bundle: pebble.caCertFile,
      site_server_name: 'www.example.test',
      tls_verify_ca_file: rootFile,
      certfleet_state_dir: join(dir, 'state'),
      acme_dns: {
        provider: 'rfc2136',
        nameserver: `127.0.0.1:${bind.port}`,
        tsig_key_name: bind.tsig.name,
        tsig_algorithm: bind.tsig.algorithm,
        tsig_secret: bind.tsig.secret,
        nameservers: [`127.0.0.1:${bind.port}`],
        authoritative_override: bind.authoritativeOverride,
        propagation_timeout: 20,
        propagation_interval: 0.2,
      },
    });
    const exits: number[] = [];
    for (const round of ['first run', 'second run (nothing to do: changed=0)']) {
      say(`certfleet run playbooks/site.yml — ${round}`);
      const r = await runPlaybook({
        playbook: await loadPlaybook(SITE_PLAYBOOK),
        inventory: await loadInventory([inventory]),
        selectHosts,
        connect: defaultConnectionFactory({ knownHostsFile: lab.knownHostsFile }),
        emit: plainRenderer(process.stdout, process.stderr),
      });
      exits.push(r.exitCode);
      if (r.exitCode !== 0) break;
    }
    say('served certificates, checked from the control node (TLS with SNI www.example.test)');
    const { text, ok } = await servedTable(lab, join(dir, 'state'), 'wildcard', await pebble.rootPem());
    out(text);
    say(`done in ${((Date.now() - started) / 1000).toFixed(1)} s; stopping everything`);
    return exits.some((c) => c !== 0) ? Math.max(...exits) : ok ? ExitCode.OK : ExitCode.HOST_FAILED;
  } catch (err) {
    process.stderr.write(`certfleet demo: ${messageOf(err)}\n`);
    return ExitCode.CONTROL_FAILED;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopAll();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  void runDemo().then((code) => process.exit(code));
}
