/**
 * The seed playbooks against the lab with real DNS-01: Pebble validates through a real bind9 that
 * the OVH and Route 53 fakes (strict request checks) write into. Seed 000: OVH + read-only mount
 * (bind variant: the lab kernel refuses an NFS server); 002: Route 53 + copy; 003: HAProxy hot update
 * after a forced renewal (same PID); 004: ssl-sync pull mode with per-certificate server lists.
 */
import { openStore } from '../../src/store/file-store.js';
import { globalAgent } from 'node:https';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateTarget } from '../../src/dns/providers/rfc2136/index.js';
import { normalizeSerial } from '../../src/store/cert-pem.js';
import { probeTls } from '../../src/delivery/tls-probe.js';
import { writeDeliveryInventory } from '../lab/demo/inventory.js';
import { startBind9, type Bind9Lab } from '../lab/bind9.js';
import { startLab, type Lab, type LabHost } from '../lab/index.js';
import { startPebble, type PebbleLab } from '../lab/pebble.js';
import { startOvhFake, type OvhFake } from '../fakes/ovh-server.js';
import { startRoute53Fake, type Route53Fake } from '../fakes/route53-server.js';
import { makeStateDir, runPlays } from './delivery-helpers.js';

const PLAYBOOKS = join(import.meta.dirname, '../../playbooks');
const NAME = 'www.example.test';
let bind: Bind9Lab;
let pebble: PebbleLab;
let ovh: OvhFake;
let r53: Route53Fake;
let lab: Lab;
let state: string;
let inventory: string;
let root: string;
const savedCa = globalAgent.options.ca;
const host = (n: string): LabHost => lab.hosts.find((h) => h.name === n)!;
const served = async (h: LabHost) => {
  const r = await probeTls({ address: h.ip, port: 443, servername: NAME, ca: root });
  expect(r.authorized, `${h.name}: ${r.authorizationError}`).toBe(true);
  return r.serial;
};
const stored = async (name: string) => (await openStore(join(state, 'state')).certs.readLive(name)).serial;
const seed = (file: string, extraVars: Record<string, unknown> = {}) =>
  runPlays(join(PLAYBOOKS, file), inventory, { knownHostsFile: lab.knownHostsFile, extraVars });
const common = () => ({
  nameservers: [`127.0.0.1:${bind.port}`],
  authoritative_override: bind.authoritativeOverride,
  propagation_timeout: 20,
  propagation_interval: 0.2,
});

beforeAll(async () => {
  state = await makeStateDir();
  bind = await startBind9({ zones: ['example.test'] });
  pebble = await startPebble({ dnsServer: `127.0.0.1:${bind.port}` });
  root = await pebble.rootPem();
  const target = updateTarget({
    nameserver: `127.0.0.1:${bind.port}`,
    tsig_key_name: bind.tsig.name,
    tsig_secret: bind.tsig.secret,
    tsig_algorithm: bind.tsig.algorithm,
    ttl: 60,
    timeout_ms: 5000,
  });
  ovh = await startOvhFake({
    zones: ['example.test'],
    bind9: target,
    applicationKey: 'app-key-1234',
    applicationSecret: 'app-secret-5678abcd',
    consumerKey: 'consumer-key-9012efgh',
  });
  // the ovh client uses Node's global HTTPS agent: trust the fake's certificate there
  globalAgent.options.ca = [...rootCertificates, ovh.ca];
  r53 = await startRoute53Fake({
    zones: ['example.test'],
    bind9: target,
    accessKeyId: 'AKIACERTFLEETTEST01',
    secretAccessKey: 'route53-secret-key-abcdefghijklmnop',
  });
  lab = await startLab({
    hosts: [
      { name: 's1', distro: 'debian', services: ['nginx'] },
      { name: 's2', distro: 'centos', services: ['nginx'] },
      { name: 's3', distro: 'ubuntu', services: ['apache2'] },
      { name: 's4', distro: 'debian', services: ['haproxy'] },
    ],
  });
  inventory = join(state, 'inventory.yml');
  await writeDeliveryInventory(lab, inventory, {
    cert_domains: ['*.example.test', 'example.test'],
    acme_directory: pebble.directoryUrl,
    acme_email: 'ops@example.test',
    acme_ca_bundle: pebble.caCertFile,
    site_server_name: NAME,
    certfleet_state_dir: join(state, 'state'),
  });
});

afterAll(async () => {
  globalAgent.options.ca = savedCa;
  await lab?.stop();
  await r53?.stop();
  await ovh?.stop();
  await pebble?.stop();
  await bind?.stop();
  if (state) await rm(state, { recursive: true, force: true });
});

describe('seed playbooks', () => {
  it('000: OVH wildcard, store mounted read-only on nginx and Apache hosts of mixed distros', async () => {
    const vars = {
      cert_name: 'ovhwild',
      cert_mount_type: 'bind',
      cert_mount_point: '/etc/ssl/certfleet/ovhwild',
      acme_dns: {
        provider: 'ovh',
        endpoint: ovh.url,
        application_key: 'app-key-1234',
        application_secret: 'app-secret-5678abcd',
        consumer_key: 'consumer-key-9012efgh',
        ...common(),
      },
    };
    const r = await seed('seed-000-ovh-mount.yml', vars);
    expect(r.exitCode, r.out).toBe(0);
    expect(ovh.requests.some((q) => q.method === 'POST' && q.path.endsWith('/refresh'))).toBe(true);
    const serial = await stored('ovhwild');
    for (const h of ['s1', 's2', 's3']) {
      expect(await served(host(h))).toBe(serial);
      expect(
        (await host(h).exec('findmnt -n -o OPTIONS --mountpoint /etc/ssl/certfleet/ovhwild')).stdout,
      ).toMatch(/^ro,/);
    }
    const again = await seed('seed-000-ovh-mount.yml', vars);
    expect(again.exitCode, again.out).toBe(0);
    for (const h of ['s1', 's2', 's3']) expect(again.recap[h].changed, again.out).toBe(0);
  });

  it('002: Route 53 wildcard copied to nginx and Apache', async () => {
    const vars = {
      cert_name: 'r53wild',
      acme_dns: {
        provider: 'route53',
        endpoint: r53.endpoint,
        access_key_id: 'AKIACERTFLEETTEST01',
        secret_access_key: 'route53-secret-key-abcdefghijklmnop',
        change_interval_ms: 200,
        ...common(),
      },
    };
    const r = await seed('seed-002-route53.yml', vars);
    expect(r.exitCode, r.out).toBe(0);
    expect(r53.requests.some((q) => q.method === 'POST')).toBe(true);
    const serial = await stored('r53wild');
    for (const h of ['s1', 's2', 's3']) expect(await served(host(h))).toBe(serial);
    expect(r.out).not.toContain('route53-secret-key');
  });

  it('003: HAProxy takes a renewed certificate through the runtime API, same PID', async () => {
    const dns = {
      provider: 'rfc2136',
      nameserver: `127.0.0.1:${bind.port}`,
      tsig_key_name: bind.tsig.name,
      tsig_algorithm: bind.tsig.algorithm,
      tsig_secret: bind.tsig.secret,
      ...common(),
    };
    const first = await seed('seed-003-haproxy.yml', { cert_name: 'lbwild', acme_dns: dns });
    expect(first.exitCode, first.out).toBe(0);
    const s1 = await stored('lbwild');
    expect(await served(host('s4'))).toBe(s1);
    const pid = await host('s4').servicePid('haproxy');
    const renewed = await seed('seed-003-haproxy.yml', {
      cert_name: 'lbwild',
      acme_dns: dns,
      force_renew: true,
    });
    expect(renewed.exitCode, renewed.out).toBe(0);
    const s2 = await stored('lbwild');
    expect(s2).not.toBe(s1);
    expect(await served(host('s4'))).toBe(s2);
    expect(await host('s4').servicePid('haproxy')).toBe(pid);
    expect(
      renewed.results('s4').find((e) => e.status === 'changed' && e.task.includes('haproxy'))?.msg,
    ).toContain('hot-updated through the runtime API');
  });

  it('004: ssl-sync — per-certificate server lists, pushed by an unprivileged user, installed by certfleet-pull', async () => {
    const dns = {
      provider: 'rfc2136',
      nameserver: `127.0.0.1:${bind.port}`,
      tsig_key_name: bind.tsig.name,
      tsig_algorithm: bind.tsig.algorithm,
      tsig_secret: bind.tsig.secret,
      ...common(),
    };
    for (const h of ['s1', 's3']) {
      const mk = await host(h).exec(
        "useradd -M -d /run/deploy-home -s /bin/sh -p '*' deploy && mkdir -p /run/deploy-home/.ssh && cp /root/.ssh/authorized_keys /run/deploy-home/.ssh/ && chown -R deploy: /run/deploy-home && chmod 700 /run/deploy-home /run/deploy-home/.ssh",
      );
      expect(mk.code, mk.stderr).toBe(0);
    }
    const vars = {
      acme_dns: dns,
      ssl_sync_catalog: [
        { name: 'syncwild', domains: ['*.example.test'] },
        { name: 'syncapi', domains: ['api.example.test'] },
      ],
      ssl_sync_user: 'deploy',
      ssl_sync_drop: '/run/certfleet-drop',
      ssl_sync_script: '/etc/certfleet/certfleet-pull',
      ssl_sync_reload: 'touch /run/ssl-sync-reloaded',
    };
    const lists = { s1: ['syncwild', 'syncapi'], s3: ['syncapi'] };
    // host vars through extra vars would apply to every host: write them into the inventory instead
    const inv = join(state, 'ssl-sync.yml');
    await writeDeliveryInventory(
      lab,
      inv,
      {
        cert_domains: [],
        acme_directory: pebble.directoryUrl,
        acme_email: 'ops@example.test',
        acme_ca_bundle: pebble.caCertFile,
        certfleet_state_dir: join(state, 'state'),
        site_server_name: NAME,
        ssl_sync_certs: [],
      },
      { s1: { ssl_sync_certs: lists.s1 }, s3: { ssl_sync_certs: lists.s3 } },
    );
    const run = (extra: Record<string, unknown>) =>
      runPlays(join(PLAYBOOKS, 'seed-004-ssl-sync.yml'), inv, {
        knownHostsFile: lab.knownHostsFile,
        extraVars: { ...vars, ...extra },
        limit: 's1:s3',
      });
    const setup = await run({ ssl_sync_setup: true });
    expect(setup.exitCode, setup.out).toBe(0);
    const push = await run({ ansible_user: 'deploy' });
    expect(push.exitCode, push.out).toBe(0);
    for (const [h, names] of Object.entries(lists)) {
      const cron = (await host(h).exec('cat /etc/cron.d/certfleet-pull-*')).stdout;
      for (const name of names) {
        const line = cron.split('\n').find((l) => l.includes(`/run/certfleet-drop/${name} `))!;
        const ran = await host(h).exec(line.split(/\s+/).slice(6).join(' '));
        expect(ran.code, ran.stderr).toBe(0);
        const s = await host(h).exec(
          `openssl x509 -noout -serial -in /etc/ssl/certfleet/${name}/cert.pem; stat -c %a /etc/ssl/certfleet/${name}/privkey.pem`,
        );
        const [serialLine, mode] = s.stdout.trim().split('\n');
        expect(normalizeSerial(serialLine.split('=')[1])).toBe(await stored(name));
        expect(mode).toBe('600');
      }
      const other = await host(h).exec('ls /etc/ssl/certfleet');
      // each host got exactly the certificates of its list (other seeds' certificates aside)
      const synced = other.stdout
        .trim()
        .split('\n')
        .filter((n) => n.startsWith('sync'));
      expect(synced.sort()).toEqual([...names].sort());
    }
    const again = await run({ ansible_user: 'deploy' });
    for (const h of ['s1', 's3']) expect(again.recap[h].changed, again.out).toBe(0);
  });
});
