/**
 * TSIG (RFC 8945): sign a request with an HMAC over the message and the TSIG variables, and verify
 * the server's answer (its MAC covers our request MAC, the answer without its TSIG record, and its
 * own TSIG variables). Written on node:crypto; dns-packet does not know the TSIG record.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CLASS_ANY, TYPE_TSIG, encodeName, encodeRR, lastRecordOffset, readName } from './wire.js';

/** A TSIG key: name, algorithm (`hmac-sha256`...), secret bytes. */
export interface TsigKeyMaterial {
  name: string;
  algorithm: string;
  secret: Buffer;
}

/** Algorithms certfleet signs with, and their node:crypto digest names. */
export const TSIG_ALGORITHMS: Record<string, string> = {
  'hmac-sha1': 'sha1',
  'hmac-sha224': 'sha224',
  'hmac-sha256': 'sha256',
  'hmac-sha384': 'sha384',
  'hmac-sha512': 'sha512',
};

/** TSIG error codes (RFC 8945 §3, IANA "DNS RCODEs"). */
export const TSIG_ERRORS: Record<number, string> = {
  16: 'BADSIG',
  17: 'BADKEY',
  18: 'BADTIME',
  19: 'BADMODE',
  20: 'BADNAME',
  21: 'BADALG',
  22: 'BADTRUNC',
};

/** The fudge we allow: 300 s, as every implementation uses. */
const FUDGE = 300;

function uint48(n: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUInt16BE(Math.floor(n / 2 ** 32), 0);
  b.writeUInt32BE(n % 2 ** 32, 2);
  return b;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/** TSIG variables (RFC 8945 §4.3.3): what is hashed besides the message. */
function variables(key: TsigKeyMaterial, time: number, fudge: number, error: number, other: Buffer): Buffer {
  return Buffer.concat([
    encodeName(key.name),
    u16(CLASS_ANY),
    Buffer.alloc(4), // TTL 0
    encodeName(key.algorithm),
    uint48(time),
    u16(fudge),
    u16(error),
    u16(other.length),
    other,
  ]);
}

function hmac(key: TsigKeyMaterial, ...parts: Buffer[]): Buffer {
  const digest = TSIG_ALGORITHMS[key.algorithm];
  if (!digest) throw new Error(`unsupported TSIG algorithm "${key.algorithm}"`);
  const h = createHmac(digest, key.secret);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** A signed request and the MAC the answer's signature must chain to. */
export interface SignedMessage {
  message: Buffer;
  mac: Buffer;
}

/** Append a TSIG record to `msg` (whose ADCOUNT does not count it yet). */
export function signMessage(msg: Buffer, key: TsigKeyMaterial, now = Date.now()): SignedMessage {
  const time = Math.floor(now / 1000);
  const mac = hmac(key, msg, variables(key, time, FUDGE, 0, Buffer.alloc(0)));
  const rdata = Buffer.concat([
    encodeName(key.algorithm),
    uint48(time),
    u16(FUDGE),
    u16(mac.length),
    mac,
    u16(msg.readUInt16BE(0)), // original ID
    u16(0), // error
    u16(0), // other len
  ]);
  const out = Buffer.concat([msg, encodeRR(key.name, TYPE_TSIG, CLASS_ANY, 0, rdata)]);
  out.writeUInt16BE(msg.readUInt16BE(10) + 1, 10);
  return { message: out, mac };
}

/** The TSIG record of an answer, parsed. */
export interface TsigRecord {
  keyName: string;
  algorithm: string;
  time: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  other: Buffer;
  /** where the record starts in the answer */
  offset: number;
}

/** Parse the TSIG record of an answer, if its last record is one. */
export function readTsig(buf: Buffer): TsigRecord | undefined {
  if (buf.readUInt16BE(10) === 0) return undefined;
  const offset = lastRecordOffset(buf);
  const owner = readName(buf, offset);
  if (buf.readUInt16BE(owner.end) !== TYPE_TSIG) return undefined;
  let o = owner.end + 10;
  const alg = readName(buf, o);
  o = alg.end;
  const time = buf.readUInt16BE(o) * 2 ** 32 + buf.readUInt32BE(o + 2);
  const fudge = buf.readUInt16BE(o + 6);
  const macLen = buf.readUInt16BE(o + 8);
  const mac = buf.subarray(o + 10, o + 10 + macLen);
  o += 10 + macLen;
  const otherLen = buf.readUInt16BE(o + 4);
  return {
    keyName: owner.name,
    algorithm: alg.name.replace(/\.$/, ''),
    time,
    fudge,
    mac,
    originalId: buf.readUInt16BE(o),
    error: buf.readUInt16BE(o + 2),
    other: buf.subarray(o + 6, o + 6 + otherLen),
    offset,
  };
}

/**
 * Check the answer's TSIG MAC against our request MAC. Returns undefined when it is valid, or why
 * not. (Answers carrying BADKEY/BADSIG are unsigned by design; callers report the TSIG error first.)
 */
export function verifyAnswer(buf: Buffer, key: TsigKeyMaterial, requestMac: Buffer): string | undefined {
  const tsig = readTsig(buf);
  if (!tsig) return 'the answer is not signed';
  if (tsig.keyName.toLowerCase() !== `${key.name.toLowerCase().replace(/\.$/, '')}.`)
    return 'signed with another key';
  const unsigned = Buffer.from(buf.subarray(0, tsig.offset));
  unsigned.writeUInt16BE(unsigned.readUInt16BE(10) - 1, 10);
  unsigned.writeUInt16BE(tsig.originalId, 0);
  const want = hmac(
    key,
    u16(requestMac.length),
    requestMac,
    unsigned,
    variables(key, tsig.time, tsig.fudge, tsig.error, tsig.other),
  );
  if (tsig.mac.length !== want.length || !timingSafeEqual(tsig.mac, want))
    return 'the answer MAC does not verify';
  return undefined;
}
