/**
 * Pebble lab: starts Debian's `pebble` (RFC 8555 test CA) on free loopback ports with a throw-away
 * TLS CA (the package ships no certificate), resolving DNS-01 through the lab's bind9.
 * Validation is always real: PEBBLE_VA_ALWAYS_VALID is never set (and is removed from the env).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leafFiles, selfSignedFiles } from './pki.js';
import { freePort } from './ports.js';

/** Options of startPebble. */
export interface PebbleOptions {
  /** `127.0.0.1:PORT` of the DNS server Pebble resolves challenge records with */
  dnsServer: string;
  /** extra PEBBLE_* environment (e.g. PEBBLE_WFE_NONCEREJECT: '50') */
  env?: Record<string, string>;
  /** work directory (default: a fresh temp dir, removed on stop) */
  dir?: string;
  /** EAB MAC keys (kid → base64url key); makes EAB required when given */
  eabKeys?: Record<string, string>;
}

/** A running Pebble. */
export interface PebbleLab {
  directoryUrl: string;
  managementUrl: string;
  /** PEM of the throw-away CA that signed Pebble's TLS certificate (trust it for the ACME server) */
  caCertPem: string;
  /** path of that PEM on disk (for lego/certbot/`ca_bundle`) */
  caCertFile: string;
  /** https agent trusting caCertPem */
  agent: Agent;
  /** Pebble's issuing root (new each start), from the management API `/roots/0` */
  rootPem(): Promise<string>;
  pid: number;
  stop(): Promise<void>;
}

/** Make a throw-away CA and a localhost/127.0.0.1 server certificate with openssl. */
function makeTlsFiles(dir: string): { ca: string; cert: string; key: string } {
  const ca = { certFile: join(dir, 'ca.pem'), keyFile: join(dir, 'ca.key') };
  selfSignedFiles({ ...ca, cn: 'certfleet lab CA', days: 2 });
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  leafFiles({ ca, keyFile: key, certFile: cert, cn: 'localhost', names: ['localhost', '127.0.0.1'] });
  return { ca: ca.certFile, cert, key };
}

/** GET a URL with the given agent, resolving with the body (rejects on status >= 400). */
export function httpsGet(url: string, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 500) >= 400) reject(new Error(`GET ${url}: HTTP ${res.statusCode}: ${body}`));
        else resolve(body);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Start Pebble and wait until its directory answers. */
export async function startPebble(opts: PebbleOptions): Promise<PebbleLab> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), `certfleet-pebble-${process.pid}-`)));
  const tls = makeTlsFiles(dir);
  const [acmePort, mgmtPort, httpPort, tlsPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const config = {
    pebble: {
      listenAddress: `127.0.0.1:${acmePort}`,
      managementListenAddress: `127.0.0.1:${mgmtPort}`,
      certificate: tls.cert,
      privateKey: tls.key,
      httpPort,
      tlsPort,
      ocspResponderURL: '',
      externalAccountBindingRequired: !!opts.eabKeys,
      ...(opts.eabKeys ? { externalAccountMACKeys: opts.eabKeys } : {}),
    },
  };
  const configFile = join(dir, 'pebble-config.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PEBBLE_VA_NOSLEEP: '1',
    PEBBLE_AUTHZREUSE: '0',
    ...opts.env,
  };
  delete env.PEBBLE_VA_ALWAYS_VALID;
  const child = spawn('pebble', ['-config', configFile, '-dnsserver', opts.dnsServer], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (c: Buffer) => {
    output = (output + c.toString('utf8')).slice(-20000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const caCertPem = await readFile(tls.ca, 'utf8');
  const agent = new Agent({ ca: caCertPem, keepAlive: true });
  const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
  const managementUrl = `https://127.0.0.1:${mgmtPort}`;

  const stop = async () => {
    agent.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    if (!opts.dir) await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 15000;
  for (;;) {
    try {
      await httpsGet(directoryUrl, agent);
      break;
    } catch (err) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`pebble did not start: ${(err as Error).message}\n${output}`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    directoryUrl,
    managementUrl,
    caCertPem,
    caCertFile: tls.ca,
    agent,
    rootPem: () => httpsGet(`${managementUrl}/roots/0`, agent),
    pid: child.pid!,
    stop,
  };
}
