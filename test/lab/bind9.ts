/**
 * A real bind9 for tests and the demo: `named -g` in the foreground on a free loopback port, zones
 * with SOA + NS, dynamic updates allowed for TSIG keys (`grant KEY zonesub TXT`). Optionally a second
 * authoritative server (ns2, another port): a real secondary fed by NOTIFY + IXFR (`secondary`),
 * or a stale copy that never gets updates (`stale`) so propagation checks can be shown to time out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordType } from 'dns-packet';
import * as dnsPacket from 'dns-packet';
import {
  exchange,
  newId,
  query,
  txtValues,
  type DnsAnswer,
  type ServerAddress,
} from '../../src/dns/resolver.js';
import { primaryConf, secondConf, writeZones } from './bind9-conf.js';
import { freePort } from './ports.js';

/** A TSIG key as named and the rfc2136 provider want it. */
export interface TsigKey {
  name: string;
  /** hmac-sha256, hmac-sha512, hmac-sha1 */
  algorithm: string;
  /** base64 */
  secret: string;
}

/** What to start. */
export interface Bind9Options {
  zones: string[];
  port?: number;
  dir?: string;
  /** the key allowed to update TXT records (random hmac-sha256 key when omitted) */
  tsig?: TsigKey;
  /** more keys with the same rights (e.g. an hmac-sha512 one) */
  extraKeys?: TsigKey[];
  /** zone-file lines with absolute owner names; each goes into the zone that holds its owner */
  extraRecords?: string[];
  /** a second authoritative server, ns2.<zone> (another port on 127.0.0.1) */
  second?: 'secondary' | 'stale';
  /**
   * whether the primary NOTIFYs the secondary itself (default true). Off, the secondary only
   * learns of changes when `notifySecondary()` is called: tests get a lag they control.
   */
  autoNotify?: boolean;
}

/** A running lab server (plus the optional second one). */
export interface Bind9Lab {
  address: string;
  port: number;
  tsig: TsigKey;
  dir: string;
  pid: number;
  /** the second authoritative server (ns2.<zone>), when asked for */
  second?: { address: string; port: number; pid: number };
  /**
   * NS name → `ip:port` for every lab zone: both servers share 127.0.0.1 (named only listens on
   * addresses configured on an interface) on different ports, so checks need this map.
   */
  authoritativeOverride: Record<string, string>;
  /** answer of the primary (or of `server`) for name/type, non-recursive */
  query(name: string, type: RecordType, server?: string): Promise<DnsAnswer>;
  /** the TXT values the primary (or `server`) serves for `fqdn` */
  txt(fqdn: string, server?: string): Promise<string[]>;
  /** send NOTIFY for every zone to the secondary (which then transfers the changes) */
  notifySecondary(): Promise<void>;
  /**
   * Stop the primary named (SIGTERM, or SIGKILL for a crash) and keep its dir: zone files and the
   * update journal stay, so `startPrimary()` serves what it served before (records added by dynamic
   * updates included), as a restarted server does. For "nameserver down" faults.
   */
  stopPrimary(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Start the primary again on the same port after `stopPrimary()`; resolves once it answers. */
  startPrimary(): Promise<void>;
  stop(): Promise<void>;
}

/** A random TSIG key. */
export function randomTsigKey(
  name = `certfleet-${randomBytes(3).toString('hex')}`,
  algorithm = 'hmac-sha256',
): TsigKey {
  return { name, algorithm, secret: randomBytes(algorithm === 'hmac-sha512' ? 64 : 32).toString('base64') };
}

/** Start bind9 (and its second server when asked); resolves when every server answers. */
export async function startBind9(opts: Bind9Options): Promise<Bind9Lab> {
  const tsig = opts.tsig ?? randomTsigKey();
  const keys = [tsig, ...(opts.extraKeys ?? [])];
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'certfleet-bind9-'));
  // named runs as user bind: it must be able to walk into the lab dir
  chmodSync(dir, 0o755);
  const port = opts.port ?? (await freePort({ udp: true }));
  const port2 = opts.second ? await freePort({ udp: true }) : 0;
  const zones = opts.zones.map((z) => z.replace(/\.$/, '').toLowerCase());
  const procs: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(procs.map((p) => stopProcess(p)));
    if (!opts.dir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const primaryDir = join(dir, 'primary');
    mkdirSync(primaryDir, { recursive: true });
    writeZones(primaryDir, zones, opts);
    const conf = primaryConf(primaryDir, port, port2, zones, keys, opts);
    writeFileSync(join(primaryDir, 'named.conf'), conf, { mode: 0o640 });
    procs.push(await runNamed(primaryDir));
    let second: Bind9Lab['second'];
    if (opts.second) {
      const secondDir = join(dir, 'second');
      mkdirSync(secondDir, { recursive: true });
      if (opts.second === 'stale') writeZones(secondDir, zones, opts);
      writeFileSync(join(secondDir, 'named.conf'), secondConf(secondDir, port, port2, zones, opts.second));
      const p = await runNamed(secondDir);
      procs.push(p);
      second = { address: '127.0.0.1', port: port2, pid: p.pid! };
      if (opts.second === 'secondary') await waitTransferred(`127.0.0.1:${port2}`, zones);
    }
    const q = (name: string, type: RecordType, server?: string): Promise<DnsAnswer> =>
      query(server ?? `127.0.0.1:${port}`, name, type, { recursive: false, timeoutMs: 2000 });
    return {
      address: '127.0.0.1',
      port,
      tsig,
      dir,
      // a getter: the primary's pid changes when it is restarted
      get pid() {
        return procs[0].pid!;
      },
      second,
      authoritativeOverride: Object.fromEntries(
        zones.flatMap((z) => [
          [`ns1.${z}.`, `127.0.0.1:${port}`],
          ...(second ? [[`ns2.${z}.`, `127.0.0.1:${second.port}`]] : []),
        ]),
      ),
      query: q,
      txt: async (fqdn, server) => txtValues(await q(fqdn, 'TXT', server), fqdn),
      notifySecondary: async () => {
        if (!second) throw new Error('this lab has no secondary');
        for (const zone of zones) await sendNotify({ host: '127.0.0.1', port: second.port }, zone);
      },
      stopPrimary: (signal = 'SIGTERM') => stopProcess(procs[0], signal),
      startPrimary: async () => {
        if (procs[0].exitCode === null && procs[0].signalCode === null)
          throw new Error('the primary named is still running');
        procs[0] = await runNamed(primaryDir);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Run `named -g` as user bind; resolves once it logs "running", rejects with its log if it exits. */
function runNamed(dir: string): Promise<ChildProcess> {
  // named drops to user bind after reading its config: the zone dir (journals) must be bind's
  chownTree(dir);
  return new Promise((resolve, reject) => {
    const child = spawn('named', ['-g', '-n', '1', '-u', 'bind', '-c', join(dir, 'named.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`named did not start within 30 s:\n${log}`));
    }, 30_000);
    child.stderr.on('data', (chunk: Buffer) => {
      // the whole log stays in the lab dir for post-mortems
      try {
        appendFileSync(join(dir, 'named.log'), chunk);
      } catch {
        // the lab dir is already gone (stop() removes it while named logs its shutdown)
      }
      log += chunk.toString();
      if (/\brunning\b/.test(log)) {
        clearTimeout(timer);
        // keep draining stderr so named never blocks on a full pipe
        log = '';
        resolve(child);
      }
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`named exited with code ${code}:\n${log}`));
    });
  });
}

function chownTree(dir: string): void {
  const { uid, gid } = bindUser();
  chownSync(dir, uid, gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) chownTree(join(dir, entry.name));
    else chownSync(join(dir, entry.name), uid, gid);
  }
}

let bindIds: { uid: number; gid: number } | undefined;
function bindUser(): { uid: number; gid: number } {
  if (!bindIds) {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('bind:'));
    if (!line) throw new Error('user "bind" not found (install bind9)');
    const [, , uid, gid] = line.split(':');
    bindIds = { uid: Number(uid), gid: Number(gid) };
  }
  return bindIds;
}

async function waitTransferred(server: string, zones: string[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (const zone of zones) {
    for (;;) {
      const ans = await query(server, zone, 'SOA', { recursive: false, timeoutMs: 1000 }).catch(
        () => undefined,
      );
      if (ans?.rcode === 'NOERROR' && ans.answers.length) break;
      if (Date.now() > deadline) throw new Error(`secondary ${server} did not load ${zone} within 15 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A NOTIFY (RFC 1996: opcode 4, AA, question = the zone's SOA), as a primary sends it. */
async function sendNotify(server: ServerAddress, zone: string): Promise<void> {
  const msg = dnsPacket.encode({
    type: 'query',
    id: newId(),
    flags: (4 << 11) | dnsPacket.AUTHORITATIVE_ANSWER,
    questions: [{ type: 'SOA', name: zone, class: 'IN' }],
  });
  await exchange(server, msg, { timeoutMs: 2000 });
}

/** `signal` (SIGTERM), then SIGKILL after 5 s; resolves when the process is gone. */
function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}
