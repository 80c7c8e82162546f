/**
 * The whole product on this machine for the fault matrix: bind9 (RFC 2136 + TSIG), Pebble resolving
 * through it, a few lab hosts with real web servers, and the delivery inventory for the project's own
 * `playbooks/site.yml` — so a row can run the real rollout, inject its fault, and check what every
 * host serves afterwards and what bind9 still holds.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDeliveryInventory } from '../lab/demo/inventory.js';
import { startBind9, type Bind9Lab } from '../lab/bind9.js';
import { startLab, type Lab, type LabHostSpec } from '../lab/index.js';
import { startPebble, type PebbleLab } from '../lab/pebble.js';
import { forgetOrigin } from '../../src/acme/http.js';
import { updateTarget } from '../../src/dns/providers/rfc2136/index.js';
import { certfleet, servesValidCert, txtRecords, type CliOptions, type CliRun } from './fault-helpers.js';

/** The project's site playbook. */
export const SITE_PLAYBOOK = join(import.meta.dirname, '..', '..', 'playbooks', 'site.yml');
/** The name clients use; the wildcard covers it. */
export const SERVER_NAME = 'www.example.test';
const ZONE = 'example.test';
// the subcommands that connect to hosts and take the lab's known_hosts file
const SSH_COMMANDS = new Set(['run', 'audit']);

/** A running fleet lab. */
export interface FleetLab {
  bind: Bind9Lab;
  pebble: PebbleLab;
  lab: Lab;
  /** scratch dir of this lab (inventory, Pebble root, state dir) */
  dir: string;
  inventory: string;
  stateDir: string;
  rootPem: string;
  /** the `acme_dns` block the inventory holds by default (rfc2136 through the lab's bind9) */
  rfc2136: Record<string, unknown>;
  /** rewrite the inventory with extra `all` vars (e.g. another `acme_dns`) and host vars */
  writeInventory(
    vars?: Record<string, unknown>,
    hostVars?: Record<string, Record<string, unknown>>,
  ): Promise<void>;
  /** `certfleet ARGS -i INVENTORY [--known-hosts LAB]` in `dir` (`args` starts with the subcommand, e.g. `run`) */
  cli(args: string[], o?: Partial<CliOptions>): Promise<CliRun>;
  /** every host's TLS handshake: a valid certificate (chain + name + dates); serial per host */
  serials(): Promise<Record<string, string>>;
  /** TXT records left at `_acme-challenge.example.test` in bind9 */
  txt(): string[];
  stop(): Promise<void>;
}

/** Hosts of a small mixed fleet (every server kind once). */
export const FLEET_HOSTS: LabHostSpec[] = [
  { name: 'web1', distro: 'debian', services: ['nginx'] },
  { name: 'web2', distro: 'rhel', services: ['apache2'] },
  { name: 'lb1', distro: 'ubuntu', services: ['haproxy'] },
];

/** Start bind9, Pebble (with `pebbleEnv`) and the lab hosts; everything is stopped by `stop()`. */
export async function startFleetLab(
  o: { hosts?: LabHostSpec[]; pebbleEnv?: Record<string, string> } = {},
): Promise<FleetLab> {
  const dir = await mkdtemp('/var/tmp/certfleet-faults-');
  let bind: Bind9Lab | undefined;
  let pebble: PebbleLab | undefined;
  let lab: Lab | undefined;
  const stop = async () => {
    await lab?.stop().catch(() => undefined);
    if (pebble) forgetOrigin(pebble.directoryUrl);
    await pebble?.stop().catch(() => undefined);
    await bind?.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    bind = await startBind9({ zones: [ZONE] });
    pebble = await startPebble({ dnsServer: `127.0.0.1:${bind.port}`, env: o.pebbleEnv });
    lab = await startLab({ hosts: o.hosts ?? FLEET_HOSTS });
    const rootPem = await pebble.rootPem();
    const rootFile = join(dir, 'pebble-root.pem');
    await writeFile(rootFile, rootPem);
    const inventory = join(dir, 'inventory.yml');
    const stateDir = join(dir, 'state');
    const b = bind;
    const rfc2136 = {
      provider: 'rfc2136',
      nameserver: `127.0.0.1:${b.port}`,
      tsig_key_name: b.tsig.name,
      tsig_algorithm: b.tsig.algorithm,
      tsig_secret: b.tsig.secret,
      nameservers: [`127.0.0.1:${b.port}`],
      authoritative_override: b.authoritativeOverride,
      propagation_timeout: 15,
      propagation_interval: 0.2,
    };
    const base = {
      cert_name: 'wildcard',
      cert_domains: [`*.${ZONE}`, ZONE],
      acme_directory: pebble.directoryUrl,
      acme_email: `ops@${ZONE}`,
      acme_ca_bundle: pebble.caCertFile,
      site_server_name: SERVER_NAME,
      tls_verify_ca_file: rootFile,
      certfleet_state_dir: stateDir,
      acme_dns: rfc2136,
    };
    const theLab = lab;
    const writeInventory = (vars: Record<string, unknown> = {}, hostVars = {}) =>
      writeDeliveryInventory(theLab, inventory, { ...base, ...vars }, hostVars);
    await writeInventory();
    return {
      bind: b,
      pebble,
      lab: theLab,
      dir,
      inventory,
      stateDir,
      rootPem,
      rfc2136,
      writeInventory,
      cli: (args, c = {}) =>
        certfleet(
          [
            ...args,
            '-i',
            inventory,
            ...(SSH_COMMANDS.has(args[0] ?? '') ? ['--known-hosts', theLab.knownHostsFile] : []),
          ],
          {
            cwd: dir,
            ...c,
          },
        ),
      serials: async () => {
        const seen: Record<string, string> = {};
        for (const h of theLab.hosts) {
          const s = h.services[0];
          const port = s ? (h.ports[s]?.https ?? 443) : 443;
          seen[h.name] = (
            await servesValidCert({ address: h.ip, port, servername: SERVER_NAME, ca: rootPem })
          ).serial;
        }
        return seen;
      },
      txt: () => txtRecords(b.port, `_acme-challenge.${ZONE}`),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Where the OVH and Route53 fakes write their records: the lab's bind9, by RFC 2136 with its TSIG key. */
export function bindUpdateTarget(f: FleetLab): ReturnType<typeof updateTarget> {
  return updateTarget({
    nameserver: `127.0.0.1:${f.bind.port}`,
    tsig_key_name: f.bind.tsig.name,
    tsig_secret: f.bind.tsig.secret,
    tsig_algorithm: f.bind.tsig.algorithm,
    ttl: 60,
    timeout_ms: 5000,
  });
}
