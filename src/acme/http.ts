/**
 * Transport settings for acme-client's shared axios instance: trust per ACME origin (lab CAs), a
 * debug sink for its logger (acme-client hides TLS errors otherwise), problem-document capture
 * (acme-client throws only `Error(detail)`, losing type and subproblems) and our own rate-limit
 * policy (acme-client would sleep for any Retry-After, even hours).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent } from 'node:https';
import * as acme from 'acme-client';
import { AcmeProblemError } from '../errors.js';

/** An RFC 8555 §6.7 problem document as the server sent it. */
export interface ProblemDoc {
  type?: string;
  detail?: string;
  status?: number;
  subproblems?: { type?: string; detail?: string; identifier?: unknown }[];
}

/** Per-operation state, carried through acme-client's awaits by AsyncLocalStorage. */
export interface AcmeCallContext {
  lastProblem?: ProblemDoc;
  /** the longest Retry-After (s) we accept to wait on a 429 before giving up */
  maxRetryAfterSec: number;
  log: (line: string) => void;
  /** POST/GET counters by URL path, used by tests to prove what was (not) called */
  requests: { method: string; url: string; status: number }[];
}

const als = new AsyncLocalStorage<AcmeCallContext>();
const agents = new Map<string, Agent>();
const agentCa = new Map<string, string>();
let installed = false;

/** Trust `caPem` (in addition to nothing else) for every request to the origin of `url`. */
export function trustForOrigin(url: string, caPem: string): void {
  const origin = new URL(url).origin;
  // same CA: keep the agent, other runs in this process may have requests in flight on it
  if (agentCa.get(origin) === caPem) return;
  agents.get(origin)?.destroy();
  agents.set(origin, new Agent({ ca: caPem, keepAlive: true }));
  agentCa.set(origin, caPem);
}

/**
 * Trust `caPem` for the directory and for every origin its URLs point at (a directory may be
 * served apart from the other endpoints, e.g. behind a proxy).
 */
export async function trustDirectory(directoryUrl: string, caPem: string): Promise<void> {
  installTransport();
  trustForOrigin(directoryUrl, caPem);
  const resp = await acme.axios.request({ url: directoryUrl, method: 'get', validateStatus: null });
  const origins = new Set<string>();
  for (const v of Object.values((resp.data ?? {}) as Record<string, unknown>)) {
    if (typeof v === 'string' && /^https:\/\//.test(v)) origins.add(new URL(v).origin);
  }
  for (const o of origins) if (!agents.has(o)) trustForOrigin(o, caPem);
}

/** Drop trusted agents (tests stop their Pebble; keep-alive sockets must not outlive it). */
export function forgetOrigin(url: string): void {
  const origin = new URL(url).origin;
  agents.get(origin)?.destroy();
  agents.delete(origin);
  agentCa.delete(origin);
}

/** Thrown from the transport when the server asks to wait longer than we accept. */
export class RateLimitedError extends AcmeProblemError {
  readonly retryAt: Date;
  constructor(
    readonly url: string,
    retryAt: Date,
    readonly detail: string,
    /** which order and step hit the limit (`order for *.example.test: new order`); the transport knows only the URL */
    context?: string,
  ) {
    super(
      `acme: ${context ? `${context}: ` : ''}rate limited at ${url}: ${detail}; retry after ${retryAt.toISOString()}`,
      { type: 'urn:ietf:params:acme:error:rateLimited' },
    );
    this.retryAt = retryAt;
  }
}

function retryAfterSeconds(header: unknown): number {
  if (typeof header !== 'string') return 0;
  const n = Number(header);
  if (Number.isFinite(n)) return Math.max(0, n);
  const t = Date.parse(header);
  return Number.isNaN(t) ? 0 : Math.max(0, (t - Date.now()) / 1000);
}

/** Install our interceptors once per process. */
export function installTransport(): void {
  if (installed) return;
  installed = true;
  const ax = acme.axios;
  // acme-client's own retry would sleep for any Retry-After; we decide in the interceptor below.
  (ax.defaults as unknown as { acmeSettings: { retryMaxAttempts: number } }).acmeSettings.retryMaxAttempts =
    0;
  acme.setLogger((msg: string) => als.getStore()?.log(`acme-client: ${msg}`));
  ax.interceptors.request.use((config) => {
    const agent = config.url ? agents.get(new URL(config.url).origin) : undefined;
    if (agent) config.httpsAgent = agent;
    return config;
  });
  // Our handler must run BEFORE acme-client's: with its retries off, its handler turns a network/TLS
  // error into a TypeError (it reads `response.status` of undefined). Axios has no "prepend" API.
  const handlers = (ax.interceptors.response as unknown as { handlers: unknown[] }).handlers;
  handlers.unshift({ fulfilled: (r: unknown) => r, rejected: onError, synchronous: false, runWhen: null });
}

type AxiosLikeError = Error & {
  message: string;
  code?: string;
  config?: { url?: string; method?: string; cfRetries?: number };
  response?: { status: number; headers: Record<string, unknown>; data: unknown };
};

async function onError(error: AxiosLikeError): Promise<unknown> {
  const ctx = als.getStore();
  const { config, response } = error;
  const url = config?.url ?? '';
  if (!config) throw error;
  if (!response) {
    // no `config` on the new error: acme-client's handler passes it through untouched
    throw new Error(`${url}: ${error.code ?? 'request failed'}: ${error.message}`, { cause: error });
  }
  ctx?.requests.push({ method: (config.method ?? 'get').toUpperCase(), url, status: response.status });
  const data = response.data as ProblemDoc | undefined;
  if (response.status >= 400 && data && typeof data === 'object' && data.type && ctx) ctx.lastProblem = data;
  const retries = config.cfRetries ?? 0;
  if (response.status === 429 || response.status === 503) {
    const wait = retryAfterSeconds(response.headers['retry-after']) || (response.status === 503 ? 1 : 0);
    const max = ctx?.maxRetryAfterSec ?? 60;
    if (wait > max || retries >= 3) {
      throw new RateLimitedError(
        url,
        new Date(Date.now() + wait * 1000),
        data?.detail ?? `HTTP ${response.status}`,
      );
    }
    ctx?.log(`HTTP ${response.status} from ${url}: waiting ${wait}s (Retry-After) then retrying`);
    await new Promise((r) => setTimeout(r, wait * 1000));
    config.cfRetries = retries + 1;
    // a replayed signed request fails with badNonce, which acme-client retries with a fresh nonce
    return acme.axios.request(config);
  }
  throw error;
}

/** Run `fn` with a fresh call context (problem capture, request log). */
export function withAcmeContext<T>(ctx: AcmeCallContext, fn: () => Promise<T>): Promise<T> {
  installTransport();
  return als.run(ctx, fn);
}

/** The current call context, if any. */
export function currentAcmeContext(): AcmeCallContext | undefined {
  return als.getStore();
}
