/**
 * ACME Renewal Information (RFC 9773): GET `renewalInfo/<certID>` (unauthenticated) for the CA's
 * suggested window, honouring Retry-After (clamped to 1 min … 24 h) before asking again.
 */
import * as acme from 'acme-client';
import { AcmeProblemError } from '../errors.js';
import type { AriWindow } from './renewal.js';

/** A fetched window and when to ask next. */
export interface AriAnswer extends AriWindow {
  retryAfter: string;
}

const MIN_RETRY = 60;
const MAX_RETRY = 86_400;
const DEFAULT_RETRY = 6 * 3600;

function retrySeconds(header: unknown): number {
  const raw = typeof header === 'string' ? header : '';
  let s = Number(raw);
  if (!raw || !Number.isFinite(s)) {
    const t = Date.parse(raw);
    s = Number.isNaN(t) ? DEFAULT_RETRY : (t - Date.now()) / 1000;
  }
  return Math.min(MAX_RETRY, Math.max(MIN_RETRY, s));
}

/** Fetch the renewal window of `certId` from the directory's renewalInfo base URL. */
export async function fetchRenewalInfo(
  renewalInfoUrl: string,
  certId: string,
  now = new Date(),
): Promise<AriAnswer> {
  const url = `${renewalInfoUrl.replace(/\/$/, '')}/${certId}`;
  const resp = await acme.axios.request({ url, method: 'get', validateStatus: null });
  const body = resp.data as { suggestedWindow?: { start?: string; end?: string }; explanationURL?: string };
  if (resp.status !== 200) {
    throw new AcmeProblemError(`acme: renewal info for ${certId}: HTTP ${resp.status} from ${url}`);
  }
  const start = Date.parse(body?.suggestedWindow?.start ?? '');
  const end = Date.parse(body?.suggestedWindow?.end ?? '');
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) {
    throw new AcmeProblemError(`acme: renewal info for ${certId}: malformed suggestedWindow from ${url}`);
  }
  const retry = retrySeconds(resp.headers['retry-after']);
  return {
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    explanationUrl: body.explanationURL,
    retryAfter: new Date(now.getTime() + retry * 1000).toISOString(),
  };
}
