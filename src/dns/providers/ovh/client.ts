/**
 * The official `ovh` client (signing, /auth/time clock offset) wrapped with retries on 5xx/429 and
 * errors that say which call failed and why, starting with `ovh:`. The client speaks HTTPS only and
 * takes host/port/basePath: a custom `endpoint` URL points it at any compatible server.
 * API: https://eu.api.ovh.com/console/ · signing: https://help.ovhcloud.com/csm/en-api-getting-started-ovhcloud-api
 */
import { createRequire } from 'node:module';
import type ovhFactory from 'ovh';
import { DnsProviderError } from '../../../errors.js';
import { redact } from '../../../output/redact.js';
import { sleep } from '../../propagation.js';

/** Named endpoints (as the client knows them) and their hosts, for messages. */
export const OVH_ENDPOINTS = [
  'ovh-eu',
  'ovh-ca',
  'ovh-us',
  'kimsufi-eu',
  'kimsufi-ca',
  'soyoustart-eu',
  'soyoustart-ca',
];

/** What the wrapper needs to reach the API. */
export interface OvhClientOptions {
  endpoint: string;
  applicationKey: string;
  applicationSecret: string;
  consumerKey?: string;
  timeoutMs?: number;
  /** attempts on 5xx/429/network errors (default 4) and first backoff (default 500 ms) */
  retries?: number;
  backoffMs?: number;
}

/** An OVH API session. */
export interface OvhApi {
  call<T>(method: string, path: string, params?: Record<string, unknown>, signal?: AbortSignal): Promise<T>;
}

/** Client params for a named endpoint or an `https://host:port/basePath` URL. */
export function endpointParams(endpoint: string): {
  endpoint?: string;
  host?: string;
  port?: number;
  basePath?: string;
} {
  if (OVH_ENDPOINTS.includes(endpoint)) return { endpoint };
  const url = new URL(endpoint);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 443,
    basePath: url.pathname.replace(/\/$/, '') || '/1.0',
  };
}

interface OvhRejection {
  error?: unknown;
  message?: unknown;
}

function describe(rej: unknown): { status?: number; text: string } {
  const r = (rej ?? {}) as OvhRejection;
  if (typeof r.error === 'number') {
    const msg =
      typeof r.message === 'string' ? ` ${r.message}` : r.message ? ` ${JSON.stringify(r.message)}` : '';
    return { status: r.error, text: `HTTP ${r.error}${msg}` };
  }
  if (typeof r.error === 'string') return { text: r.error };
  if (rej instanceof Error) return { text: rej.message };
  return { text: JSON.stringify(rej) };
}

/** Reject after `ms` (the request itself may still finish in the background). */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A session: the clock offset is measured once (GET /auth/time) before the first signed call. */
export function ovhApi(opts: OvhClientOptions): OvhApi {
  // no `timeout` for the client: it adds a socket listener per request on kept-alive sockets
  // required on first use: the client and its bluebird dependency would otherwise load on every CLI start
  const ovh = createRequire(import.meta.url)('ovh') as typeof ovhFactory;
  const client = ovh({
    appKey: opts.applicationKey,
    appSecret: opts.applicationSecret,
    consumerKey: opts.consumerKey,
    ...endpointParams(opts.endpoint),
  });
  const retries = opts.retries ?? 4;
  const backoff = opts.backoffMs ?? 500;
  const timeoutMs = opts.timeoutMs ?? 30_000;

  async function call<T>(
    method: string,
    path: string,
    params?: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<T> {
    if (client.apiTimeDiff === null && path !== '/auth/time') {
      // done here rather than by the client, which hides the status of a failed /auth/time
      const serverTime = await call<number>('GET', '/auth/time', undefined, signal);
      client.apiTimeDiff = serverTime - Math.round(Date.now() / 1000);
    }
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        // the client deletes path parameters from params: give it a copy
        const req = client.requestPromised(method, path, params ? { ...params } : undefined);
        return (await withTimeout(Promise.resolve(req), timeoutMs)) as T;
      } catch (rej) {
        const { status, text } = describe(rej);
        // 5xx, 429 and network errors are worth another try; other 4xx are answers
        const transient =
          status === undefined ? !/Unable to parse/.test(text) : status >= 500 || status === 429;
        if (!transient || attempt >= retries) {
          const tries = attempt > 1 ? ` (after ${attempt} attempts)` : '';
          throw new DnsProviderError(redact(`ovh: ${method} ${path} failed${tries}: ${text}`), {
            hint:
              status === 403
                ? 'check application_key, application_secret and consumer_key (certfleet ovh credentials)'
                : undefined,
          });
        }
        await sleep(backoff * 2 ** (attempt - 1), signal);
      }
    }
  }
  return { call };
}
