/**
 * Wire format pieces for RFC 2136 dynamic updates: uncompressed names, the UPDATE message (zone +
 * update sections; dns-packet has no class NONE, which "delete this one RR" needs), and a walker
 * that finds where each resource record starts (to strip and check the TSIG record of an answer).
 */

/** DNS classes and types used here (RFC 1035, RFC 2136 §2.4, RFC 8945). */
export const CLASS_IN = 1;
export const CLASS_NONE = 254;
export const CLASS_ANY = 255;
export const TYPE_SOA = 6;
export const TYPE_TXT = 16;
export const TYPE_TSIG = 250;
export const OPCODE_UPDATE = 5;

/** A name in canonical wire form: lower case, uncompressed (RFC 8945 §4.3.3 wants this for TSIG). */
export function encodeName(name: string): Buffer {
  const labels = name.toLowerCase().replace(/\.$/, '').split('.').filter(Boolean);
  const parts: Buffer[] = [];
  for (const label of labels) {
    const b = Buffer.from(label, 'utf8');
    if (b.length > 63) throw new Error(`DNS label too long in "${name}"`);
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** TXT RDATA: the value cut into character-strings of at most 255 bytes. */
export function txtRdata(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length || i === 0; i += 255) {
    const chunk = bytes.subarray(i, i + 255);
    parts.push(Buffer.from([chunk.length]), chunk);
  }
  return Buffer.concat(parts);
}

/** One resource record: owner, type, class, TTL and RDATA. */
export function encodeRR(name: string, type: number, klass: number, ttl: number, rdata: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(klass, 2);
  fixed.writeUInt32BE(ttl, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([encodeName(name), fixed, rdata]);
}

/** One change of an UPDATE: add a TXT value, or delete exactly one TXT value. */
export interface TxtChange {
  op: 'add' | 'delete';
  fqdn: string;
  value: string;
  ttl: number;
}

/**
 * An UPDATE message for `zone` (RFC 2136 §2): zone section = the zone's SOA question, no
 * prerequisites, one update RR per change. Adding uses class IN (adds to the RRset, never
 * replaces it); deleting one RR uses class NONE with TTL 0 and the exact RDATA (§2.5.4).
 */
export function updateMessage(id: number, zone: string, changes: TxtChange[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(OPCODE_UPDATE << 11, 2);
  header.writeUInt16BE(1, 4); // ZOCOUNT
  header.writeUInt16BE(0, 6); // PRCOUNT
  header.writeUInt16BE(changes.length, 8); // UPCOUNT
  header.writeUInt16BE(0, 10); // ADCOUNT
  const zoneQ = Buffer.alloc(4);
  zoneQ.writeUInt16BE(TYPE_SOA, 0);
  zoneQ.writeUInt16BE(CLASS_IN, 2);
  const rrs = changes.map((c) =>
    c.op === 'add'
      ? encodeRR(c.fqdn, TYPE_TXT, CLASS_IN, c.ttl, txtRdata(c.value))
      : encodeRR(c.fqdn, TYPE_TXT, CLASS_NONE, 0, txtRdata(c.value)),
  );
  return Buffer.concat([header, encodeName(zone), zoneQ, ...rrs]);
}

/** Offset just past a (possibly compressed) name starting at `offset`. */
export function skipName(buf: Buffer, offset: number): number {
  let o = offset;
  for (;;) {
    if (o >= buf.length) throw new Error('truncated DNS name');
    const len = buf[o];
    if ((len & 0xc0) === 0xc0) return o + 2;
    if (len === 0) return o + 1;
    o += len + 1;
  }
}

/** Read an uncompressed name (TSIG names are never compressed, RFC 8945 §4.2). */
export function readName(buf: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let o = offset;
  for (;;) {
    const len = buf[o];
    if (len === undefined) throw new Error('truncated DNS name');
    if ((len & 0xc0) === 0xc0) throw new Error('unexpected compressed name in TSIG record');
    if (len === 0) return { name: `${labels.join('.')}.`, end: o + 1 };
    labels.push(buf.subarray(o + 1, o + 1 + len).toString('utf8'));
    o += len + 1;
  }
}

/** Where the last resource record of the message starts (-1 if the message has none). */
export function lastRecordOffset(buf: Buffer): number {
  const counts = [4, 6, 8, 10].map((o) => buf.readUInt16BE(o));
  let o = 12;
  for (let i = 0; i < counts[0]; i++) o = skipName(buf, o) + 4;
  const total = counts[1] + counts[2] + counts[3];
  let last = -1;
  for (let i = 0; i < total; i++) {
    last = o;
    o = skipName(buf, o);
    o += 10 + buf.readUInt16BE(o + 8);
  }
  return last;
}
