// A local ACME Renewal Information (RFC 9773) responder — a FAKE, honestly labelled: Pebble 2.4
// (Debian) has no renewalInfo endpoint. It serves Pebble's real directory (fetched through the
// lab's TLS agent) with one added `renewalInfo` URL pointing here, and answers
// `GET /renewal-info/<certID>` with a window the test sets. Every other ACME URL stays Pebble's.
// It checks what a real CA checks: a well-formed certID (two base64url parts) it knows about.
import { createServer, type Server } from 'node:http';
import type { Agent } from 'node:https';
import { httpsGet } from '../lab/pebble.js';

export interface AriFake {
  directoryUrl: string;
  /** certIDs asked for, in order */
  asked: string[];
  /** window for a certID (or '*' for any) and the Retry-After (s) to send */
  setWindow(certId: string, win: { start: string; end: string }, retryAfterSec?: number): void;
  stop(): Promise<void>;
}

export async function startAriFake(pebbleDirectoryUrl: string, agent: Agent): Promise<AriFake> {
  const windows = new Map<string, { win: { start: string; end: string }; retry: number }>();
  const asked: string[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      if (req.method === 'GET' && url.pathname === '/dir') {
        const dir = JSON.parse(await httpsGet(pebbleDirectoryUrl, agent)) as Record<string, unknown>;
        dir.renewalInfo = `${base}/renewal-info`;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(dir));
        return;
      }
      const m = /^\/renewal-info\/([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(url.pathname);
      if (req.method === 'GET' && m) {
        const id = `${m[1]}.${m[2]}`;
        asked.push(id);
        const w = windows.get(id) ?? windows.get('*');
        if (!w) {
          res.writeHead(404, { 'content-type': 'application/problem+json' });
          res.end(
            JSON.stringify({ type: 'urn:ietf:params:acme:error:malformed', detail: 'unknown certificate' }),
          );
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'retry-after': String(w.retry) });
        res.end(JSON.stringify({ suggestedWindow: w.win, explanationURL: `${base}/why` }));
        return;
      }
      res.writeHead(400, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({ type: 'urn:ietf:params:acme:error:malformed', detail: `no route ${url.pathname}` }),
      );
    })().catch((err: Error) => res.writeHead(500).end(err.message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    directoryUrl: `${base}/dir`,
    asked,
    setWindow: (certId, win, retryAfterSec = 3600) => windows.set(certId, { win, retry: retryAfterSec }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
