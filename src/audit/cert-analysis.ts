/**
 * Certificate analysis on the control node with node:crypto's X509Certificate: names, validity,
 * key match (the host sends only the public key it derived), chain completeness and OCSP URLs.
 */
import { X509Certificate, createPublicKey } from 'node:crypto';
import { rootCertificates } from 'node:tls';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM text, in file order (unparseable blocks are skipped). */
export function parseCertificates(pem: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const block of pem.match(PEM_CERT) ?? []) {
    try {
      out.push(new X509Certificate(block));
    } catch {
      // a damaged block is reported as CERT_UNREADABLE when no certificate parses at all
    }
  }
  return out;
}

/** DNS names of a certificate (SAN dNSName entries; the CN only when there is no SAN). */
export function certNames(cert: X509Certificate): string[] {
  const san = cert.subjectAltName;
  if (san) {
    return san
      .split(/,\s*/)
      .filter((e) => e.startsWith('DNS:'))
      .map((e) => e.slice(4).replace(/^"|"$/g, ''));
  }
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject);
  return cn ? [cn[1]] : [];
}

/** OCSP responder URLs from the Authority Information Access extension. */
export function ocspUrls(cert: X509Certificate): string[] {
  return [...(cert.infoAccess ?? '').matchAll(/OCSP - URI:(\S+)/g)].map((m) => m[1]);
}

/** Whole days from `now` to the certificate's notAfter (negative once expired). */
export function daysLeft(cert: X509Certificate, now: Date): number {
  return Math.floor((new Date(cert.validTo).getTime() - now.getTime()) / 86_400_000);
}

/** Does a SubjectPublicKeyInfo PEM (derived on the host from the key file) match the certificate? */
export function keyMatches(cert: X509Certificate, spkiPem: string): boolean {
  try {
    const a = cert.publicKey.export({ type: 'spki', format: 'der' });
    const b = createPublicKey(spkiPem).export({ type: 'spki', format: 'der' });
    return a.equals(b);
  } catch {
    return false;
  }
}

let roots: X509Certificate[] | undefined;

/** Was `cert` issued (and signed) by one of Node's bundled root CAs? */
function issuedByKnownRoot(cert: X509Certificate): boolean {
  roots ??= rootCertificates.map((p) => new X509Certificate(p));
  return roots.some((r) => cert.checkIssued(r) && cert.verify(r.publicKey));
}

/**
 * Is the chain complete? The certificates must each be signed by the next one, and the last one
 * must be a CA (an intermediate or a root was included), self-signed, or issued by a root every
 * client ships. A leaf alone from an intermediate CA is the classic incomplete chain.
 */
export function chainProblem(chain: X509Certificate[]): string | undefined {
  if (!chain.length) return 'no certificate';
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!chain[i].checkIssued(chain[i + 1]) || !chain[i].verify(chain[i + 1].publicKey)) {
      return `certificate ${i + 1} (${oneLine(chain[i].subject)}) is not signed by certificate ${i + 2} (${oneLine(chain[i + 1].subject)})`;
    }
  }
  const last = chain[chain.length - 1];
  const selfSigned = last.checkIssued(last) && last.verify(last.publicKey);
  if (last.ca || selfSigned || issuedByKnownRoot(last)) return undefined;
  return `the issuer of ${oneLine(last.subject)} (${oneLine(last.issuer)}) is missing from the file`;
}

/** A distinguished name on one line (`CN=x, O=y`). */
export function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}
