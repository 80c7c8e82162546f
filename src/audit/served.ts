/**
 * The certificate a host actually serves: a TLS handshake from the control node with SNI, no
 * verification (an audit must see broken certificates too), nothing sent after the handshake.
 */
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { oneLine } from './cert-analysis.js';
import type { ServedCert } from './types.js';

/** Handshake with `address:port` using `servername` for SNI and describe the leaf returned. */
export function fetchServedCert(
  address: string,
  port: number,
  servername: string,
  timeoutMs: number,
): Promise<ServedCert> {
  return new Promise((resolve) => {
    const isIp = /^[\d.]+$|:/.test(servername);
    const socket = connect({
      host: address,
      port,
      servername: isIp ? undefined : servername,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    let settled = false;
    const done = (r: ServedCert) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => done({ port, servername, error: `no TLS handshake within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate();
      if (!peer?.raw) return done({ port, servername, error: 'no certificate in the handshake' });
      const leaf = new X509Certificate(peer.raw);
      done({
        port,
        servername,
        fingerprint_sha256: leaf.fingerprint256,
        subject: oneLine(leaf.subject),
        not_after: new Date(leaf.validTo).toISOString(),
      });
    });
    socket.once('error', (err) => done({ port, servername, error: err.message }));
  });
}
