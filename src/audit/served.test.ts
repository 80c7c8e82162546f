import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext, createServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchServedCert } from './served.js';
import { issue, makeCas, type Issued } from '../../test/lab/pki.js';

describe('fetchServedCert', () => {
  let dir: string;
  let a: Issued;
  let b: Issued;
  let tls: TlsServer;
  let silent: Server;
  const open = new Set<Socket>();
  const port = (s: Server | TlsServer) => (s.address() as AddressInfo).port;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cf-audit-served-'));
    const { intermediate } = makeCas(dir);
    a = issue(dir, { cn: 'a.example', names: ['a.example'], issuer: intermediate });
    b = issue(dir, { cn: 'b.example', names: ['b.example'], issuer: intermediate });
    const ctxB = createSecureContext({ cert: b.cert, key: b.key });
    // a real TLS server on loopback choosing the certificate by SNI, like a web server's vhosts
    tls = createServer({
      cert: a.cert,
      key: a.key,
      SNICallback: (name, cb) => cb(null, name === 'b.example' ? ctxB : undefined),
    });
    silent = createNetServer((sock) => open.add(sock));
    tls.on('connection', (sock: Socket) => open.add(sock));
    await Promise.all([
      new Promise<void>((r) => tls.listen(0, '127.0.0.1', r)),
      new Promise<void>((r) => silent.listen(0, '127.0.0.1', r)),
    ]);
  });
  afterAll(async () => {
    for (const s of open) s.destroy();
    await Promise.all([new Promise((r) => tls?.close(r)), new Promise((r) => silent?.close(r))]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns the leaf chosen by SNI', async () => {
    const fa = await fetchServedCert('127.0.0.1', port(tls), 'a.example', 5000);
    const fb = await fetchServedCert('127.0.0.1', port(tls), 'b.example', 5000);
    expect(fa).toEqual({
      port: port(tls),
      servername: 'a.example',
      fingerprint_sha256: new X509Certificate(a.cert).fingerprint256,
      subject: 'CN=a.example',
      not_after: new Date(new X509Certificate(a.cert).validTo).toISOString(),
    });
    expect(fb.fingerprint_sha256).toBe(new X509Certificate(b.cert).fingerprint256);
  });

  it('reports refused connections and silent ports as errors', async () => {
    const closed = createNetServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const p = port(closed);
    await new Promise((r) => closed.close(r));
    expect((await fetchServedCert('127.0.0.1', p, 'a.example', 5000)).error).toMatch(/ECONNREFUSED/);
    expect(await fetchServedCert('127.0.0.1', port(silent), 'a.example', 300)).toEqual({
      port: port(silent),
      servername: 'a.example',
      error: 'no TLS handshake within 300 ms',
    });
  });
});
