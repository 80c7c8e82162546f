/**
 * A small DNS client that talks to chosen servers on chosen ports (UDP, TCP on truncation or on
 * request). Node's `dns.Resolver` cannot return authority sections nor ask a server that is not
 * recursive without RD, so the SOA walk and the propagation check use this instead. Messages are
 * encoded and decoded with `dns-packet`.
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { isIPv6, connect } from 'node:net';
import { randomInt } from 'node:crypto';
import * as dnsPacket from 'dns-packet';
import type { RecordType } from 'dns-packet';

/** `ip:port` split into parts; IPv6 as `[::1]:53`. */
export interface ServerAddress {
  host: string;
  port: number;
}

/** Options of one exchange. */
export interface ExchangeOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** use TCP from the start (updates, large answers) */
  tcp?: boolean;
}

/** Parse `ip`, `ip:port` or `[v6]:port` (default port 53). */
export function parseServer(text: string, defaultPort = 53): ServerAddress {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (v6) return { host: v6[1], port: v6[2] ? Number(v6[2]) : defaultPort };
  if (isIPv6(text)) return { host: text, port: defaultPort };
  const m = /^([^:]+)(?::(\d+))?$/.exec(text);
  if (!m) throw new Error(`invalid nameserver address "${text}" (want ip:port)`);
  return { host: m[1], port: m[2] ? Number(m[2]) : defaultPort };
}

/** `ip:port` (IPv6 bracketed) for messages. */
export function formatServer(s: ServerAddress): string {
  return isIPv6(s.host) ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}

/** The nameservers of /etc/resolv.conf as `ip:53` (the default for SOA walks). */
export function systemNameservers(): string[] {
  try {
    const text = readFileSync('/etc/resolv.conf', 'utf8');
    const out = [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1]);
    return out.length ? out : ['127.0.0.1'];
  } catch {
    return ['127.0.0.1'];
  }
}

/** Send one message and return the raw answer whose ID matches (UDP, then TCP if truncated). */
export async function exchange(
  server: ServerAddress,
  msg: Buffer,
  opts: ExchangeOptions = {},
): Promise<Buffer> {
  if (opts.tcp) return exchangeTcp(server, msg, opts);
  const answer = await exchangeUdp(server, msg, opts);
  // TC bit: the answer did not fit in a datagram, ask again over TCP (RFC 7766)
  if ((answer.readUInt16BE(2) & dnsPacket.TRUNCATED_RESPONSE) !== 0) return exchangeTcp(server, msg, opts);
  return answer;
}

function exchangeUdp(server: ServerAddress, msg: Buffer, opts: ExchangeOptions): Promise<Buffer> {
  const id = msg.readUInt16BE(0);
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIPv6(server.host) ? 'udp6' : 'udp4');
    const done = (err: Error | null, buf?: Buffer): void => {
      clearTimeout(timer);
      clearInterval(resend);
      opts.signal?.removeEventListener('abort', onAbort);
      sock.close();
      if (err) reject(err);
      else resolve(buf!);
    };
    const onAbort = (): void => done(abortError(opts.signal));
    const send = (): void => sock.send(msg, server.port, server.host, (err) => err && done(err));
    const timeoutMs = opts.timeoutMs ?? 3000;
    const timer = setTimeout(() => done(timeoutError(server, timeoutMs)), timeoutMs);
    // UDP may drop a datagram: resend a few times inside the timeout
    const resend = setInterval(send, Math.max(250, Math.floor(timeoutMs / 3)));
    sock.on('error', (err) => done(err));
    sock.on('message', (buf) => {
      if (buf.length >= 12 && buf.readUInt16BE(0) === id) done(null, buf);
    });
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort);
    send();
  });
}

function exchangeTcp(server: ServerAddress, msg: Buffer, opts: ExchangeOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: server.host, port: server.port });
    let data = Buffer.alloc(0);
    const done = (err: Error | null, buf?: Buffer): void => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      if (err) reject(err);
      else resolve(buf!);
    };
    const onAbort = (): void => done(abortError(opts.signal));
    const timeoutMs = opts.timeoutMs ?? 5000;
    const timer = setTimeout(() => done(timeoutError(server, timeoutMs)), timeoutMs);
    sock.on('error', (err) => done(err));
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(msg.length);
      sock.write(Buffer.concat([len, msg]));
    });
    sock.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0))
        done(null, data.subarray(2, 2 + data.readUInt16BE(0)));
    });
    sock.on('end', () =>
      done(new Error(`connection closed by ${formatServer(server)} before a full answer`)),
    );
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort);
  });
}

function timeoutError(server: ServerAddress, ms: number): Error {
  return new Error(`no answer from ${formatServer(server)} within ${ms} ms`);
}

function abortError(signal?: AbortSignal): Error {
  return signal?.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** One resource record of an answer (data as dns-packet decodes it: string, object, Buffer[]). */
export interface DnsRecord {
  name: string;
  type: string;
  ttl: number;
  data: unknown;
}

/** A decoded answer: RCODE by name, AA flag and the three sections. */
export interface DnsAnswer {
  rcode: string;
  authoritative: boolean;
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
}

/** A fresh random message ID (16 bits). */
export function newId(): number {
  return randomInt(0, 0x10000);
}

/**
 * Ask `server` for `name`/`type`. `recursive` sets RD (for the SOA walk through a resolver); the
 * propagation check asks authoritative servers without it.
 */
export async function query(
  server: ServerAddress | string,
  name: string,
  type: RecordType,
  opts: ExchangeOptions & { recursive?: boolean } = {},
): Promise<DnsAnswer> {
  const addr = typeof server === 'string' ? parseServer(server) : server;
  const msg = dnsPacket.encode({
    type: 'query',
    id: newId(),
    flags: opts.recursive === false ? 0 : dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name: trimDot(name), class: 'IN' }],
  });
  // dns-packet decodes the header's RCODE but its typings omit it
  const p = dnsPacket.decode(await exchange(addr, msg, opts)) as dnsPacket.DecodedPacket & { rcode?: string };
  const records = (list: dnsPacket.Answer[] | undefined): DnsRecord[] =>
    (list ?? []).map((a) => ({
      name: a.name,
      type: a.type,
      ttl: 'ttl' in a ? (a.ttl ?? 0) : 0,
      data: 'data' in a ? a.data : undefined,
    }));
  return {
    rcode: p.rcode ?? 'NOERROR',
    authoritative: ((p.flags ?? 0) & dnsPacket.AUTHORITATIVE_ANSWER) !== 0,
    answers: records(p.answers),
    authorities: records(p.authorities),
    additionals: records(p.additionals),
  };
}

/** The TXT strings of every TXT record of `name` in an answer (each record's strings joined). */
export function txtValues(packet: DnsAnswer, name?: string): string[] {
  const want = name === undefined ? undefined : canonical(name);
  const out: string[] = [];
  for (const a of packet.answers) {
    if (a.type !== 'TXT' || (want !== undefined && canonical(a.name) !== want)) continue;
    const parts: unknown[] = Array.isArray(a.data) ? a.data : [a.data];
    out.push(parts.map((p) => (Buffer.isBuffer(p) ? p.toString('utf8') : String(p))).join(''));
  }
  return out;
}

/** Lower-case, absolute (trailing dot) form of a DNS name, for comparisons and messages. */
export function canonical(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

/** The name without its trailing dot (dns-packet's form). */
export function trimDot(name: string): string {
  return name.endsWith('.') && name.length > 1 ? name.slice(0, -1) : name;
}
