/**
 * TLS handshake from the control node with SNI: which certificate does a host really serve?
 * Used to verify a rollout (the served serial must be the delivered one) and by `tls_verify`.
 * The handshake does not require a trusted chain unless a CA is given, because the point is to see
 * what is served even when it is wrong; with `ca`, chain validity is reported as well.
 */
import { connect } from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import { normalizeSerial } from '../store/cert-pem.js';

/** What a handshake saw. */
export interface ProbeResult {
  serial: string;
  subject: string;
  /** DNS names of the served certificate */
  names: string[];
  notAfter: string;
  issuer: string;
  protocol: string | null;
  /** set when `ca` was given: whether the chain verified against it (with the host name) */
  authorized?: boolean;
  authorizationError?: string;
}

/** Where and how to probe. */
export interface ProbeTarget {
  address: string;
  port: number;
  /** SNI server name (omitted for an IP address without a name) */
  servername?: string;
  /** PEM of trusted roots; when given, `authorized` tells whether the chain and name verify */
  ca?: string;
  timeoutMs?: number;
}

function field(v: string | string[] | undefined): string {
  return Array.isArray(v) ? v.join('+') : (v ?? '');
}

function dnsNames(c: PeerCertificate): string[] {
  return (c.subjectaltname ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
}

/** Handshake with the target and describe the served leaf certificate. Rejects on any TLS/TCP error. */
export function probeTls(t: ProbeTarget): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: t.address,
      port: t.port,
      servername: t.servername,
      ca: t.ca,
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => {
      socket.destroy(new Error(`TLS handshake timed out after ${t.timeoutMs ?? 5000} ms`));
    }, t.timeoutMs ?? 5000);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const c = socket.getPeerCertificate();
      const res: ProbeResult = {
        serial: normalizeSerial(c.serialNumber ?? ''),
        subject: field(c.subject?.CN),
        names: dnsNames(c),
        notAfter: c.valid_to,
        issuer: field(c.issuer?.CN),
        protocol: socket.getProtocol(),
      };
      if (t.ca !== undefined) {
        res.authorized = socket.authorized;
        if (!socket.authorized) res.authorizationError = String(socket.authorizationError);
        else if (t.servername) {
          // authorized covers the chain only; the name is checked like an HTTPS client would
          const err = checkName(t.servername, c);
          if (err) {
            res.authorized = false;
            res.authorizationError = err;
          }
        }
      }
      socket.end();
      resolve(res);
    });
    socket.once('error', (err: Error) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function checkName(name: string, c: PeerCertificate): string | undefined {
  const ok = dnsNames(c).some((n) =>
    n.startsWith('*.')
      ? name.endsWith(n.slice(1)) && !name.slice(0, -n.length + 1).includes('.')
      : n === name,
  );
  return ok ? undefined : `certificate does not cover ${name}`;
}

/** Probe until the served serial is the expected one or the deadline passes (reloads are asynchronous). */
export async function waitForSerial(
  t: ProbeTarget,
  serial: string,
  deadlineMs = 5000,
): Promise<{ ok: boolean; seen?: ProbeResult; error?: string }> {
  const want = normalizeSerial(serial);
  const end = Date.now() + deadlineMs;
  let last: { ok: boolean; seen?: ProbeResult; error?: string };
  for (;;) {
    try {
      const seen = await probeTls({
        ...t,
        timeoutMs: Math.min(t.timeoutMs ?? 3000, Math.max(500, end - Date.now())),
      });
      last = { ok: seen.serial === want, seen };
      if (last.ok) return last;
    } catch (err) {
      last = { ok: false, error: (err as Error).message };
    }
    if (Date.now() >= end) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
}
