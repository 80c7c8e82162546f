import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { leafFiles, selfSignedFiles } from './pki.js';

const dir = mkdtempSync(join(tmpdir(), 'certfleet-pki-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lab PKI files', () => {
  const ca = { certFile: join(dir, 'ca.pem'), keyFile: join(dir, 'ca.key') };

  it('self-signs an EC P-256 CA with DNS and IP names, its key 0600', () => {
    selfSignedFiles({ ...ca, cn: 'lab CA', days: 3, names: ['localhost', '127.0.0.1'] });
    const cert = new X509Certificate(readFileSync(ca.certFile));
    expect(cert.subject).toBe('CN=lab CA');
    expect(cert.ca).toBe(true);
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
    expect(cert.verify(cert.publicKey)).toBe(true);
    const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(2.9);
    expect(days).toBeLessThan(3.1);
    expect(statSync(ca.keyFile).mode & 0o777).toBe(0o600);
    const key = createPrivateKey(readFileSync(ca.keyFile));
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('signs a leaf with the CA, with the serial asked for, leaving only the two files', () => {
    const keyFile = join(dir, 'leaf.key');
    const certFile = join(dir, 'leaf.pem');
    leafFiles({
      ca,
      keyFile,
      certFile,
      names: ['*.example.test', 'example.test'],
      serial: '1A2B3C4D5E6F7081',
    });
    const leaf = new X509Certificate(readFileSync(certFile));
    expect(leaf.subject).toBe('CN=*.example.test');
    expect(leaf.subjectAltName).toBe('DNS:*.example.test, DNS:example.test');
    expect(leaf.serialNumber).toBe('1A2B3C4D5E6F7081');
    expect(leaf.verify(new X509Certificate(readFileSync(ca.certFile)).publicKey)).toBe(true);
    expect(leaf.checkPrivateKey(createPrivateKey(readFileSync(keyFile)))).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const second = join(dir, 'leaf2.pem');
    leafFiles({ ca, keyFile: join(dir, 'leaf2.key'), certFile: second, names: ['a.test'] });
    expect(new X509Certificate(readFileSync(second)).serialNumber).not.toBe(leaf.serialNumber);
    expect(
      readdirSync(dir).filter((f) => f.endsWith('.csr') || f.endsWith('.ext') || f.endsWith('.srl')),
    ).toEqual([]);
  });
});
