import { createServer, type Server } from 'node:http';
import * as acme from 'acme-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError, withAcmeContext, type AcmeCallContext } from './http.js';
import { freePort } from '../../test/lab/ports.js';

// A real local HTTP server answering like a rate-limiting CA (problem document + Retry-After).
let server: Server;
let base: string;
const hits: Record<string, number> = {};
beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits[path] = (hits[path] ?? 0) + 1;
    const limited = (path === '/short' && hits[path] === 1) || path === '/long';
    if (limited) {
      res.writeHead(429, {
        'content-type': 'application/problem+json',
        'retry-after': path === '/long' ? '3600' : '1',
      });
      res.end(
        JSON.stringify({ type: 'urn:ietf:params:acme:error:rateLimited', detail: 'too many new orders' }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function ctx(): AcmeCallContext {
  return { maxRetryAfterSec: 60, log: () => {}, requests: [] };
}
const get = (url: string) => acme.axios.request({ url, method: 'get', validateStatus: null });

describe('ACME transport', () => {
  it('waits a short Retry-After on 429 and retries', async () => {
    const c = ctx();
    const t0 = Date.now();
    const resp = await withAcmeContext(c, () => get(`${base}/short`));
    expect(resp.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(c.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('stops on a long Retry-After, saying when to retry', async () => {
    const c = ctx();
    const err = await withAcmeContext(c, () => get(`${base}/long`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    const e = err as RateLimitedError;
    expect(e.message).toMatch(
      /^acme: rate limited at http:\/\/127\.0\.0\.1:\d+\/long: too many new orders; retry after \S+Z$/,
    );
    expect(Math.abs(e.retryAt.getTime() - Date.now() - 3600_000)).toBeLessThan(5000);
    expect(e.exitCode).toBe(5);
    expect(hits['/long']).toBe(1);
  });

  it('keeps network errors readable (acme-client alone turns them into a TypeError)', async () => {
    const port = await freePort();
    const err = await withAcmeContext(ctx(), () => get(`http://127.0.0.1:${port}/dir`)).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toBe(
      `http://127.0.0.1:${port}/dir: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });
});
