/**
 * Reads a certificate from the control node's store (`<state_dir>/certs/NAME/live/*.pem`, written by
 * `acme_certificate`) and describes it: serial, subject names, expiry. The serial is taken from the
 * certificate itself, so a store filled by hand (openssl, another ACME client) works the same.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { ModuleError } from '../errors.js';
import { registerSecret } from '../output/redact.js';

/** The PEM files of one stored certificate plus what the engine needs to know about it. */
export interface StoredCert {
  name: string;
  /** directory holding the PEM files */
  liveDir: string;
  cert: string;
  chain: string;
  fullchain: string;
  privkey: string;
  /** upper-case hex, no colons (as Node's `getPeerCertificate().serialNumber`) */
  serial: string;
  notAfter: string;
  /** DNS names from subjectAltName */
  names: string[];
}

/** The state directory: explicit parameter, then `certfleet_state_dir`, then `<playbook dir>/.certfleet`. */
export function stateDirOf(
  param: string | undefined,
  vars: Record<string, unknown>,
  playbookDir: string,
): string {
  const v = param ?? (typeof vars.certfleet_state_dir === 'string' ? vars.certfleet_state_dir : undefined);
  if (v === undefined) return join(playbookDir, '.certfleet');
  return isAbsolute(v) ? v : join(playbookDir, v);
}

/** Normalise a serial to upper-case hex without colons or leading zeros. */
export function normalizeSerial(serial: string): string {
  const s = serial
    .replace(/[:\s]/g, '')
    .toUpperCase()
    .replace(/^0+(?=.)/, '');
  return s;
}

/** Describe a PEM certificate (the first one in the text). */
export function describeCert(pem: string): {
  serial: string;
  notAfter: string;
  names: string[];
  subject: string;
} {
  const x = new X509Certificate(pem);
  const names = (x.subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
  return { serial: normalizeSerial(x.serialNumber), notAfter: x.validTo, names, subject: x.subject };
}

async function readPem(path: string, what: string, name: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ModuleError(`certificate "${name}": cannot read ${what} ${path}: ${(err as Error).message}`, {
      cause: err,
      hint: 'issue it first with acme_certificate (or put the PEM files in the store by hand)',
    });
  }
}

/** Load a stored certificate by name; the private key is registered as a secret at once. */
export async function loadStoredCert(stateDir: string, name: string): Promise<StoredCert> {
  if (!/^[A-Za-z0-9_.*-]+$/.test(name) || name.startsWith('.')) {
    throw new ModuleError(`certificate name "${name}" is not a plain file name`);
  }
  const liveDir = join(stateDir, 'certs', name, 'live');
  if (!existsSync(liveDir)) {
    throw new ModuleError(`certificate "${name}" is not in the store: ${liveDir} does not exist`, {
      hint: 'issue it first with acme_certificate (or put the PEM files in the store by hand)',
    });
  }
  const [cert, chain, fullchain, privkey] = await Promise.all([
    readPem(join(liveDir, 'cert.pem'), 'certificate', name),
    readPem(join(liveDir, 'chain.pem'), 'chain', name),
    readPem(join(liveDir, 'fullchain.pem'), 'full chain', name),
    readPem(join(liveDir, 'privkey.pem'), 'private key', name),
  ]);
  registerSecret(privkey.trim());
  let info;
  try {
    info = describeCert(cert);
  } catch (err) {
    throw new ModuleError(`certificate "${name}": ${liveDir}/cert.pem is not a PEM certificate`, {
      cause: err,
    });
  }
  return { name, liveDir, cert, chain, fullchain, privkey, ...info };
}

/** HAProxy's combined PEM: full chain then key, one trailing newline each, no blank lines. */
export function combinedPem(cert: StoredCert): string {
  const clean = (s: string) =>
    s
      .split('\n')
      .filter((l) => l.trim() !== '')
      .join('\n') + '\n';
  return clean(cert.fullchain) + clean(cert.privkey);
}
