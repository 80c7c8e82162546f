/**
 * Host-side faults and checks for the fault-matrix rows 1, 3, 4 and 5: what a lab host has on disk
 * (hashes of its certificate and server config files), whether the certificate its server config
 * points at is whole and matches its key, a slow link to one host (so that a transfer can be cut in
 * the middle), a new SSH host key, a non-root login user. Everything runs inside the host through
 * `host.exec` (nsenter), never over SSH, so it works while the fault is in place.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { normalizeSerial } from '../../src/store/cert-pem.js';
import { runOk } from '../lab/proc.js';
import type { LabHost, LabService } from '../lab/index.js';

/** Run a command inside the host; throws with its output unless it exits 0. */
export async function inHost(host: LabHost, cmd: string): Promise<string> {
  const r = await host.exec(cmd);
  if (r.code !== 0) throw new Error(`${host.name}: \`${cmd}\` failed (${r.code}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

// where each server kind keeps its config (the RHEL lab host runs the Debian apache2 build)
const CONFIG_DIRS: Record<LabService, string[]> = {
  nginx: ['/etc/nginx'],
  apache2: ['/etc/apache2'],
  haproxy: ['/etc/haproxy'],
};
/** Certificate files and server configs a delivery may touch on a host. */
export const DELIVERY_DIRS = ['/etc/ssl/certfleet', ...Object.values(CONFIG_DIRS).flat()];

/** sha256 of every regular file under `dirs` on the host (path → hash); missing dirs are empty. */
export async function fileHashes(host: LabHost, dirs = DELIVERY_DIRS): Promise<Record<string, string>> {
  const out = await inHost(
    host,
    `for d in ${dirs.join(' ')}; do [ -d "$d" ] && find "$d" -type f -exec sha256sum {} +; done; true`,
  );
  const hashes: Record<string, string> = {};
  for (const line of out.split('\n').filter(Boolean)) {
    const [hash, ...path] = line.split('  ');
    hashes[path.join('  ')] = hash;
  }
  return hashes;
}

/** Files under `dir` on the host whose name marks a certfleet temp file (`.certfleet-*`). */
export async function tempFiles(host: LabHost, dir: string): Promise<string[]> {
  const out = await inHost(host, `[ -d ${dir} ] && find ${dir} -name '.certfleet-*' || true`);
  return out.split('\n').filter(Boolean);
}

// the directives naming the certificate and key files in each server's config
const DIRECTIVES: Record<LabService, { cert: RegExp; key?: RegExp }> = {
  nginx: { cert: /^\s*ssl_certificate\s+([^;\s]+);/gm, key: /^\s*ssl_certificate_key\s+([^;\s]+);/gm },
  apache2: { cert: /^\s*SSLCertificateFile\s+(\S+)/gim, key: /^\s*SSLCertificateKeyFile\s+(\S+)/gim },
  // HAProxy's crt is one combined PEM: certificate chain and key in the same file
  haproxy: { cert: /^\s*bind\s.*\bcrt\s+(\S+)/gm },
};

/** What the live server config of a host points at. */
export interface LiveFiles {
  cert: string;
  key: string;
  /** serial of the leaf certificate in the cert file (normalised like the TLS probe's) */
  serial: string;
}

/**
 * The certificate and key files the host's on-disk config for `service` names: both must be whole
 * PEM (a parseable certificate, a parseable key) and belong together, and the server's own config
 * test must pass — so that the next reload, by anyone, would work. Throws otherwise.
 */
export async function liveFiles(host: LabHost, service: LabService): Promise<LiveFiles> {
  // the site certfleet wrote (other files name e.g. the distro's snakeoil pair in unused snippets)
  const conf = await inHost(
    host,
    `find ${CONFIG_DIRS[service].join(' ')} ${OWN_CONFIG[service]} -exec cat {} +`,
  );
  const d = DIRECTIVES[service];
  const certs = [...new Set([...conf.matchAll(d.cert)].map((m) => m[1]))];
  const keys = d.key ? [...new Set([...conf.matchAll(d.key)].map((m) => m[1]))] : certs;
  if (certs.length !== 1 || keys.length !== 1)
    throw new Error(
      `${host.name}: expected one certificate and one key in the ${service} config, got ${certs} / ${keys}`,
    );
  const certPem = await inHost(host, `cat -- ${certs[0]}`);
  const keyPem = await inHost(host, `cat -- ${keys[0]}`);
  const leaf = new X509Certificate(certPem);
  const key = createPrivateKey(keyPem);
  if (!leaf.checkPrivateKey(key)) throw new Error(`${host.name}: ${keys[0]} is not the key of ${certs[0]}`);
  await inHost(host, CONFIG_TEST[service]);
  return { cert: certs[0], key: keys[0], serial: normalizeSerial(leaf.serialNumber) };
}

const OWN_CONFIG: Record<LabService, string> = {
  nginx: "-type f -name '*certfleet*'",
  apache2: "-type f -name '*certfleet*'",
  haproxy: '-type f -name haproxy.cfg',
};

const CONFIG_TEST: Record<LabService, string> = {
  nginx: 'nginx -t 2>&1',
  apache2: 'apache2ctl -t 2>&1',
  haproxy: 'haproxy -c -q -f /etc/haproxy/haproxy.cfg 2>&1',
};

/** A shaped link from the control node to one host. */
export interface SlowLink {
  /** bytes that went through the shaper since it was put in place */
  sent(): Promise<number>;
  /** a new rate (e.g. almost nothing, so that the next request waits) */
  rate(kbit: number): Promise<void>;
  undo(): Promise<void>;
}

/**
 * Shape the traffic from the control node to the host to `kbit` kbit/s (tbf on the control-side
 * end of the host's veth), so that sending a few kilobytes takes seconds.
 */
export async function slowLink(host: LabHost, kbit: number): Promise<SlowLink> {
  // the host's eth0 names its peer's interface index in the control node's namespace (`eth0@ifN`;
  // netlink, not /sys: the host's /sys is the control node's)
  const peer = /eth0@if(\d+):/.exec(await inHost(host, 'ip -o link show dev eth0'))?.[1];
  if (!peer) throw new Error(`${host.name}: eth0 is not a veth`);
  const link = await runOk('ip', ['-o', 'link', 'show']);
  const dev = new RegExp(`^${peer}: ([^@:]+)[@:]`, 'm').exec(link)?.[1];
  // never the control node's own uplink: only the lab's veths
  if (!dev?.startsWith('cflv')) throw new Error(`${host.name}: no interface ${peer} on the control node`);
  const tbf = (verb: string, k: number) =>
    runOk('tc', [
      'qdisc',
      verb,
      'dev',
      dev,
      'root',
      'tbf',
      'rate',
      `${k}kbit`,
      'burst',
      '1600',
      'latency',
      '60s',
    ]);
  await tbf('replace', kbit);
  return {
    sent: async () =>
      Number(/Sent (\d+) bytes/.exec(await runOk('tc', ['-s', 'qdisc', 'show', 'dev', dev]))?.[1]),
    rate: async (k) => void (await tbf('change', k)),
    undo: async () => void (await runOk('tc', ['qdisc', 'del', 'dev', dev, 'root']).catch(() => '')),
  };
}

/** Give the host a new ed25519 host key and restart its sshd with it; returns the new `SHA256:` fingerprint. */
export async function newHostKey(host: LabHost): Promise<string> {
  const key = '/etc/ssh/ssh_host_ed25519_key';
  await inHost(
    host,
    `rm -f ${key} ${key}.pub && ssh-keygen -q -t ed25519 -N '' -C root@${host.name} -f ${key}`,
  );
  const fp = (await inHost(host, `ssh-keygen -l -f ${key}.pub`)).split(' ')[1];
  await host.killSshd();
  await host.startSshd();
  return fp;
}

/**
 * A login user `name` on the host that the lab key opens (home in the host's private /run, as
 * test/integration/ssh-become.test.ts does), with `password` and no sudo rule yet.
 */
export async function addLoginUser(
  host: LabHost,
  keyFile: string,
  name: string,
  password: string,
): Promise<void> {
  const pub = readFileSync(`${keyFile}.pub`, 'utf8').trim();
  await inHost(
    host,
    [
      `useradd -M -d /run/${name} -s /bin/sh ${name}`,
      `mkdir -p /run/${name}/.ssh`,
      `echo '${pub}' > /run/${name}/.ssh/authorized_keys`,
      `chown -R ${name}: /run/${name} && chmod 700 /run/${name}/.ssh && chmod 600 /run/${name}/.ssh/authorized_keys`,
      `echo '${name}:${password}' | chpasswd`,
    ].join(' && '),
  );
}
