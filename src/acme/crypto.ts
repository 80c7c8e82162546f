/**
 * Keys, CSRs and certificate facts: key types as users write them (ec256 default, ec384,
 * rsa2048/3072/4096), the parsed facts the store and the renewal policy need, and the ARI certID.
 */
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as X509 from '@peculiar/x509';

/** Key types accepted by `key_type` / `account_key_type`. */
export const KEY_TYPES = ['ec256', 'ec384', 'rsa2048', 'rsa3072', 'rsa4096'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** A new private key of that type, PKCS#8 PEM. */
export function generateKey(type: KeyType): string {
  if (type.startsWith('ec')) {
    const namedCurve = type === 'ec384' ? 'P-384' : 'P-256';
    return generateKeyPairSync('ec', { namedCurve }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
  }
  const modulusLength = Number(type.slice(3));
  return generateKeyPairSync('rsa', { modulusLength }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
}

/** The key type of a private key or certificate public key, as we name it. */
export function keyTypeOf(pem: string): KeyType | 'unknown' {
  const key = pem.includes('CERTIFICATE') ? new X509Certificate(pem).publicKey : createPrivateKey(pem);
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec')
    return d.namedCurve === 'secp384r1' ? 'ec384' : d.namedCurve === 'prime256v1' ? 'ec256' : 'unknown';
  if (key.asymmetricKeyType === 'rsa') {
    const t = `rsa${d.modulusLength}`;
    return (KEY_TYPES as readonly string[]).includes(t) ? (t as KeyType) : 'unknown';
  }
  return 'unknown';
}

/** A CSR (PEM) for the domains, first one as the common name. */
export async function createCsr(domains: string[], keyPem: string): Promise<string> {
  // loaded on first use: acme-client costs ~240 ms at start-up, and most commands never need it
  const acme = await import('acme-client');
  const [, csr] = await acme.crypto.createCsr({ commonName: domains[0], altNames: domains }, keyPem);
  return csr.toString('utf8');
}

/** Facts about a certificate, as stored in meta.json. */
export interface CertFacts {
  serial: string;
  notBefore: string;
  notAfter: string;
  domains: string[];
  issuer: string;
  keyType: KeyType | 'unknown';
  /** RFC 9773 certificate identifier: base64url(AKI keyIdentifier) "." base64url(serial DER) */
  ariCertId?: string;
}

/** Split a PEM bundle into its certificates. */
export function splitPem(bundle: string): string[] {
  return (
    bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)?.map((c) => `${c}\n`) ?? []
  );
}

/** Parse the leaf of a PEM chain. */
export function certFacts(pem: string): CertFacts {
  const leafPem = splitPem(pem)[0] ?? pem;
  const cert = new X509Certificate(leafPem);
  const domains = (cert.subjectAltName ?? '')
    .split(', ')
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
  const cn = /CN=([^\n]+)/.exec(cert.issuer)?.[1] ?? cert.issuer;
  return {
    serial: cert.serialNumber.toLowerCase(),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    domains,
    issuer: cn,
    keyType: keyTypeOf(leafPem),
    ariCertId: ariCertId(leafPem),
  };
}

/** RFC 9773 §4.1 certID, or undefined when the certificate has no AKI keyIdentifier. */
export function ariCertId(leafPem: string): string | undefined {
  // required on first use: the library and its ASN.1 stack cost ~150 ms at every CLI start otherwise
  const x509 = createRequire(import.meta.url)('@peculiar/x509') as typeof X509;
  const cert = new x509.X509Certificate(leafPem);
  const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension);
  if (!aki?.keyId) return undefined;
  // serialNumber is hex of the DER INTEGER content (a leading 00 kept when the top bit is set)
  let serialHex = cert.serialNumber;
  if (serialHex.length % 2) serialHex = `0${serialHex}`;
  return `${Buffer.from(aki.keyId, 'hex').toString('base64url')}.${Buffer.from(serialHex, 'hex').toString('base64url')}`;
}

/** Does the private key belong to the certificate? */
export function keyMatchesCert(keyPem: string, certPem: string): boolean {
  const cert = new X509Certificate(splitPem(certPem)[0] ?? certPem);
  return cert.checkPrivateKey(createPrivateKey(keyPem));
}
