/**
 * What a stored certificate's PEM says — serial, subject names, expiry — taken from the certificate
 * itself, so a store filled by hand (openssl, another ACME client) works the same; and HAProxy's
 * combined PEM of a stored certificate.
 */
import { X509Certificate } from 'node:crypto';
import type { StoredCert } from './types.js';

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

/** HAProxy's combined PEM: full chain then key, one trailing newline each, no blank lines. */
export function combinedPem(cert: StoredCert): string {
  const clean = (s: string) =>
    s
      .split('\n')
      .filter((l) => l.trim() !== '')
      .join('\n') + '\n';
  return clean(cert.fullchain) + clean(cert.privkey);
}
