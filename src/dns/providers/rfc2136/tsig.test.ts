// UPDATE message layout and TSIG record structure (bind9 checks the MACs in the integration tests).
import { createHmac } from 'node:crypto';
import * as dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { readTsig, signMessage, verifyAnswer } from './tsig.js';
import { encodeName, txtRdata, updateMessage } from './wire.js';

const key = {
  name: 'certfleet-key',
  algorithm: 'hmac-sha256',
  secret: Buffer.from('0123456789abcdef0123456789abcdef'),
};

describe('rfc2136 wire format', () => {
  it('encodes names lower-case, uncompressed', () => {
    expect(encodeName('_ACME-challenge.Example.TEST.')).toEqual(
      Buffer.from('\x0f_acme-challenge\x07example\x04test\x00', 'latin1'),
    );
    expect(encodeName('.')).toEqual(Buffer.from([0]));
  });

  it('cuts long TXT values into 255-byte strings', () => {
    const rdata = txtRdata('a'.repeat(300));
    expect(rdata[0]).toBe(255);
    expect(rdata[256]).toBe(45);
    expect(rdata.length).toBe(302);
  });

  it('builds an UPDATE: zone section, add with class IN, delete with class NONE and TTL 0', () => {
    const msg = updateMessage(0x1234, 'example.test.', [
      { op: 'add', fqdn: '_acme-challenge.example.test.', value: 'abc', ttl: 60 },
      { op: 'delete', fqdn: '_acme-challenge.example.test.', value: 'old', ttl: 60 },
    ]);
    const p = dnsPacket.decode(msg) as dnsPacket.DecodedPacket & { opcode: string };
    expect(p.id).toBe(0x1234);
    expect(p.opcode).toBe('UPDATE');
    expect(p.questions).toEqual([{ name: 'example.test', type: 'SOA', class: 'IN' }]);
    // RFC 2136 puts the update RRs in the authority section
    const [add, del] = p.authorities as (dnsPacket.TxtAnswer & { class: string })[];
    expect([add.class, add.ttl, (add.data as Buffer[]).map(String)]).toEqual(['IN', 60, ['abc']]);
    expect([del.class, del.ttl, (del.data as Buffer[]).map(String)]).toEqual(['UNKNOWN_254', 0, ['old']]);
  });
});

describe('TSIG', () => {
  it('appends a TSIG record whose MAC covers the message and the TSIG variables', () => {
    const msg = updateMessage(7, 'example.test.', [
      { op: 'add', fqdn: 'x.example.test.', value: 'v', ttl: 60 },
    ]);
    const now = Date.UTC(2026, 0, 2, 3, 4, 5);
    const signed = signMessage(msg, key, now);
    expect(signed.message.readUInt16BE(10)).toBe(1);
    const t = readTsig(signed.message)!;
    expect(t).toMatchObject({
      keyName: 'certfleet-key.',
      algorithm: 'hmac-sha256',
      time: now / 1000,
      fudge: 300,
      originalId: 7,
      error: 0,
    });
    // RFC 8945 §4.3.3: key name, class ANY, TTL 0, algorithm, time (48 bits), fudge, error, other len
    const vars = Buffer.concat([
      encodeName('certfleet-key'),
      Buffer.from([0, 255, 0, 0, 0, 0]),
      encodeName('hmac-sha256'),
      Buffer.from([0, 0]),
      Buffer.from([0, 0, 0, 0]),
      Buffer.from([1, 44, 0, 0, 0, 0]),
    ]);
    vars.writeUInt32BE(now / 1000, vars.length - 10);
    expect(t.mac).toEqual(createHmac('sha256', key.secret).update(msg).update(vars).digest());
    expect(signed.mac).toEqual(t.mac);
  });

  it('refuses an unsigned or tampered answer', () => {
    const msg = updateMessage(9, 'example.test.', []);
    const signed = signMessage(msg, key);
    expect(verifyAnswer(msg, key, signed.mac)).toBe('the answer is not signed');
    // a request is not a valid answer to itself: its MAC does not chain to the request MAC
    expect(verifyAnswer(signed.message, key, signed.mac)).toBe('the answer MAC does not verify');
  });
});
