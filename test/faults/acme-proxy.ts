/**
 * A rate-limiting CA in front of the lab's Pebble, for fault row 15: an HTTPS reverse proxy that
 * answers new-order requests with `429` + `Retry-After` + an RFC 8555 `rateLimited` problem document
 * while a limit is set, and passes every other request through to Pebble untouched. It serves
 * Pebble's own TLS certificate, so `acme_ca_bundle` (Pebble's TLS CA) stays what the inventory says;
 * every URL Pebble hands out is rewritten to the proxy, so the whole conversation goes through it.
 */
import { readFile } from 'node:fs/promises';
import { createServer, request, type Agent } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { dirname, join } from 'node:path';
import { httpsGet, type PebbleLab } from '../lab/pebble.js';

/** One request as the proxy saw it. */
export interface ProxyHit {
  method: string;
  path: string;
  status: number;
  /** ms since the epoch, when the request arrived */
  at: number;
  /** the problem type of an error answer (`urn:ietf:params:acme:error:badNonce`) */
  problem?: string;
}

/** A running proxy. */
export interface AcmeProxy {
  /** the directory URL to give certfleet (`acme_directory`) */
  directoryUrl: string;
  /** path of Pebble's new-order endpoint (what the limit applies to) */
  newOrderPath: string;
  hits: ProxyHit[];
  /** answer the next `times` new-order requests with 429 and this Retry-After (seconds) */
  limitNewOrders(retryAfterSec: number, times: number): void;
  /** new-order requests seen so far */
  newOrders(): ProxyHit[];
  stop(): Promise<void>;
}

/** Start the proxy in front of `pebble` on a free loopback port. */
export async function startAcmeProxy(pebble: PebbleLab): Promise<AcmeProxy> {
  // startPebble writes its TLS files beside the CA it exposes (see makeTlsFiles in test/lab/pebble.ts):
  // a certificate for 127.0.0.1 that the CA in `acme_ca_bundle` already vouches for
  const tlsDir = dirname(pebble.caCertFile);
  const [cert, key] = await Promise.all([
    readFile(join(tlsDir, 'cert.pem'), 'utf8'),
    readFile(join(tlsDir, 'key.pem'), 'utf8'),
  ]);
  const upstream = new URL(pebble.directoryUrl);
  const agent: Agent = pebble.agent;
  const dir = JSON.parse(await httpsGet(pebble.directoryUrl, agent)) as { newOrder: string };
  const newOrderPath = new URL(dir.newOrder).pathname;
  const hits: ProxyHit[] = [];
  let limit: { retryAfterSec: number; left: number } | undefined;
  let origin = '';

  const server = createServer({ cert, key }, (req, res) => {
    const at = Date.now();
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (method === 'POST' && path === newOrderPath && limit && limit.left > 0) {
        limit.left--;
        hits.push({ method, path, status: 429, at });
        // what Let's Encrypt sends: a problem document, its status, and when to come back
        res.writeHead(429, {
          'content-type': 'application/problem+json',
          'retry-after': String(limit.retryAfterSec),
        });
        res.end(
          JSON.stringify({
            type: 'urn:ietf:params:acme:error:rateLimited',
            detail: 'too many new orders recently: see https://letsencrypt.org/docs/rate-limits/',
            status: 429,
          }),
        );
        return;
      }
      const up = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method,
          path,
          agent,
          // the Host stays the proxy's: Pebble checks each JWS `url` against https://HOST/PATH
          headers: req.headers,
        },
        (ures) => {
          const body: Buffer[] = [];
          ures.on('data', (c: Buffer) => body.push(c));
          ures.on('end', () => {
            const status = ures.statusCode ?? 502;
            const raw = Buffer.concat(body).toString('utf8');
            hits.push({ method, path, status, at, ...(status >= 400 ? { problem: problemType(raw) } : {}) });
            const text = Buffer.from(raw.replaceAll(upstream.origin, origin));
            res.writeHead(status, {
              ...rewriteHeaders(ures.headers, upstream.origin, origin),
              'content-length': text.length,
            });
            res.end(text);
          });
        },
      );
      up.on('error', (err) => {
        hits.push({ method, path, status: 502, at });
        res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${err.message}`);
      });
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  origin = `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    directoryUrl: `${origin}${upstream.pathname}`,
    newOrderPath,
    hits,
    limitNewOrders: (retryAfterSec, times) => {
      limit = { retryAfterSec, left: times };
    },
    newOrders: () => hits.filter((h) => h.method === 'POST' && h.path === newOrderPath),
    stop: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Response headers with Pebble's origin replaced by the proxy's (Location, Link). */
function rewriteHeaders(h: IncomingHttpHeaders, from: string, to: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined || k === 'content-length' || k === 'transfer-encoding' || k === 'connection')
      continue;
    out[k] = Array.isArray(v) ? v.map((x) => x.replaceAll(from, to)) : v.replaceAll(from, to);
  }
  return out;
}

function problemType(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { type?: string }).type;
  } catch {
    return undefined;
  }
}
