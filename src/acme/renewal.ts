/**
 * Renewal policy. With ARI (RFC 9773) the CA's suggested window decides: one instant chosen
 * uniformly inside it, stored so every run agrees. Without ARI a fraction of the lifetime decides
 * (1/3 left by default, 1/2 for lifetimes ≤ 10 days, as Let's Encrypt advises) — never a fixed day
 * count, which breaks with short-lived certificates.
 */
import type { CertMeta } from '../store/types.js';

/** What to do and why. */
export interface RenewalDecision {
  action: 'issue' | 'renew' | 'none';
  reason: string;
  /** when the certificate is (or was) due; undefined when there is none */
  renewAt?: string;
}

/** An ARI answer (window) with the time it may be asked again. */
export interface AriWindow {
  start: string;
  end: string;
  explanationUrl?: string;
}

/** Inputs of decide(). */
export interface DecideInput {
  meta?: CertMeta;
  domains: string[];
  keyType: string;
  now: Date;
  /** the ARI window (fresh or stored); undefined when the CA has no renewalInfo or ari is off */
  ari?: AriWindow;
  /** the instant previously chosen inside the same window */
  chosen?: string;
  /** fraction of the lifetime left at which to renew (default 1/3) */
  fraction?: number;
  force?: boolean;
  /** random source in [0,1) (tests) */
  random?: () => number;
}

const DAY = 86_400_000;

/** `+a -b` between the stored and the wanted domains, or '' when equal as sets. */
export function domainChange(stored: string[], wanted: string[]): string {
  const s = new Set(stored.map((d) => d.toLowerCase()));
  const w = new Set(wanted.map((d) => d.toLowerCase()));
  const added = [...w].filter((d) => !s.has(d)).map((d) => `+${d}`);
  const removed = [...s].filter((d) => !w.has(d)).map((d) => `-${d}`);
  return [...added, ...removed].join(' ');
}

function fractionText(f: number): string {
  if (Math.abs(f - 1 / 3) < 0.001) return '1/3';
  if (Math.abs(f - 0.5) < 0.001) return '1/2';
  if (Math.abs(f - 0.25) < 0.001) return '1/4';
  return `${Math.round(f * 100)}%`;
}

/** Pick the renewal instant inside an ARI window, keeping a previous choice in the same window. */
export function chooseInWindow(
  win: AriWindow,
  previous: string | undefined,
  random: () => number = Math.random,
): string {
  const start = Date.parse(win.start);
  const end = Math.max(start, Date.parse(win.end));
  if (previous) {
    const p = Date.parse(previous);
    if (p >= start && p <= end) return previous;
  }
  return new Date(start + Math.floor(random() * (end - start))).toISOString();
}

/** Decide whether to issue, renew or leave the stored certificate alone. */
export function decide(input: DecideInput): RenewalDecision {
  const { meta, now } = input;
  if (!meta) return { action: 'issue', reason: 'no certificate' };
  const change = domainChange(meta.domains, input.domains);
  if (change) return { action: 'renew', reason: `domains changed: ${change}`, renewAt: now.toISOString() };
  if (meta.key_type !== input.keyType) {
    return {
      action: 'renew',
      reason: `key type changed ${meta.key_type}→${input.keyType}`,
      renewAt: now.toISOString(),
    };
  }
  if (input.force) return { action: 'renew', reason: 'forced', renewAt: now.toISOString() };
  if (meta.revoked_at)
    return { action: 'renew', reason: `revoked on ${meta.revoked_at}`, renewAt: now.toISOString() };
  const notAfter = Date.parse(meta.not_after);
  if (notAfter <= now.getTime())
    return { action: 'renew', reason: `expired on ${meta.not_after}`, renewAt: meta.not_after };
  if (input.ari) {
    const chosen = chooseInWindow(input.ari, input.chosen, input.random);
    const reason = `ARI window starts ${input.ari.start}; chosen ${chosen}`;
    return { action: Date.parse(chosen) <= now.getTime() ? 'renew' : 'none', reason, renewAt: chosen };
  }
  const notBefore = Date.parse(meta.not_before);
  const lifetime = notAfter - notBefore;
  const fraction = lifetime <= 10 * DAY ? Math.max(0.5, input.fraction ?? 0) : (input.fraction ?? 1 / 3);
  const renewAt = new Date(notAfter - lifetime * fraction);
  const left = (notAfter - now.getTime()) / DAY;
  const total = lifetime / DAY;
  const fmt = (n: number) => String(n >= 10 ? Math.floor(n) : Math.floor(n * 10) / 10);
  const reason = `${fmt(left)} of ${fmt(total)} days left (renew at ${fractionText(fraction)})`;
  return {
    action: renewAt.getTime() <= now.getTime() ? 'renew' : 'none',
    reason,
    renewAt: renewAt.toISOString(),
  };
}
