/**
 * Propagation check: ask every authoritative server of each zone directly (no recursion, no cache)
 * until each serves every expected TXT value, or time out naming the server that lags and what it
 * answered [lego challenge/dns01/precheck.go].
 */
import { DnsProviderError } from '../errors.js';
import { canonical, parseServer, query, txtValues } from './resolver.js';
import type { AuthServer } from './zone.js';

/** The values expected at one name, and who must serve them. */
export interface Expectation {
  fqdn: string;
  values: string[];
  servers: AuthServer[];
}

/** Poll settings. */
export interface PropagationOptions {
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
  log?: (msg: string) => void;
}

interface Pending {
  fqdn: string;
  values: string[];
  server: AuthServer;
  /** what it answered last: values, or why there was no usable answer */
  last: string;
  missing: string[];
}

/** Wait `ms`, or reject as soon as `signal` aborts (its listener is removed either way). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function check(p: Pending, signal?: AbortSignal): Promise<boolean> {
  try {
    const ans = await query(parseServer(p.server.address), p.fqdn, 'TXT', {
      recursive: false,
      timeoutMs: 2000,
      signal,
    });
    if (ans.rcode !== 'NOERROR' && ans.rcode !== 'NXDOMAIN') {
      p.last = `answered ${ans.rcode}`;
      return false;
    }
    const got = txtValues(ans, p.fqdn);
    p.missing = p.values.filter((v) => !got.includes(v));
    p.last = `answered ${JSON.stringify(got)}`;
    return p.missing.length === 0;
  } catch (err) {
    if (signal?.aborted) throw err;
    p.last = `did not answer (${(err as Error).message})`;
    return false;
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

/** Wait until every server of every expectation serves all its values. */
export async function waitForPropagation(expect: Expectation[], opts: PropagationOptions): Promise<void> {
  let pending: Pending[] = expect.flatMap((e) =>
    e.servers.map((server) => ({
      fqdn: canonical(e.fqdn),
      values: e.values,
      server,
      last: 'not asked',
      missing: e.values,
    })),
  );
  const start = Date.now();
  for (;;) {
    const done = await Promise.all(pending.map((p) => check(p, opts.signal)));
    pending = pending.filter((_, i) => !done[i]);
    if (!pending.length) {
      opts.log?.(`dns: records visible on every authoritative server after ${seconds(Date.now() - start)}`);
      return;
    }
    if (Date.now() - start >= opts.timeoutMs) break;
    await sleep(Math.min(opts.intervalMs, Math.max(0, opts.timeoutMs - (Date.now() - start))), opts.signal);
  }
  const lines = pending.map(
    (p) =>
      `${p.server.name} (${p.server.address}) ${p.last} for ${p.fqdn}, want ${p.missing.map((v) => JSON.stringify(v)).join(', ')}`,
  );
  throw new DnsProviderError(
    `dns: propagation timeout after ${seconds(opts.timeoutMs)}: ${lines.join('; ')}`,
    {
      hint: 'the provider accepted the records but not every authoritative nameserver serves them yet',
    },
  );
}
