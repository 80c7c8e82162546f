// sendUpdate must not trust an answer whose TSIG MAC does not verify (a forged or corrupted reply).
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readTsig, signMessage } from './tsig.js';
import { sendUpdate } from './update.js';

const key = { name: 'k1', algorithm: 'hmac-sha256', secret: Buffer.from('a'.repeat(32)) };
let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A TCP DNS "server" answering NOERROR to any update, signed with `replyKey`. */
function fakeServer(replyKey: typeof key, rcode = 0): Promise<number> {
  server = createServer((sock) => {
    sock.once('data', (data: Buffer) => {
      const req = data.subarray(2, 2 + data.readUInt16BE(0));
      const tsig = readTsig(req)!;
      const body = Buffer.from(req.subarray(0, tsig.offset));
      body.writeUInt16BE(body.readUInt16BE(10) - 1, 10);
      body.writeUInt16BE((body.readUInt16BE(2) | 0x8000 | rcode) >>> 0, 2);
      const answer = signMessage(body, replyKey).message;
      const len = Buffer.alloc(2);
      len.writeUInt16BE(answer.length);
      sock.end(Buffer.concat([len, answer]));
    });
  });
  return new Promise((resolve) =>
    server!.listen(0, '127.0.0.1', () => resolve((server!.address() as { port: number }).port)),
  );
}

describe('sendUpdate', () => {
  it('rejects an answer signed with another secret', async () => {
    const port = await fakeServer({ ...key, secret: Buffer.from('b'.repeat(32)) });
    await expect(
      sendUpdate({ server: { host: '127.0.0.1', port }, key }, 'example.test.', [
        { op: 'add', fqdn: '_acme-challenge.example.test.', value: 'v', ttl: 60 },
      ]),
    ).rejects.toThrow(
      `rfc2136: update of _acme-challenge.example.test.: answer from 127.0.0.1:${port} failed TSIG verification: the answer MAC does not verify`,
    );
  });

  it('names the RCODE of a refusal', async () => {
    const port = await fakeServer(key, 5);
    await expect(
      sendUpdate({ server: { host: '127.0.0.1', port }, key }, 'example.test.', [
        { op: 'delete', fqdn: '_acme-challenge.example.test.', value: 'v', ttl: 0 },
      ]),
    ).rejects.toThrow(
      `rfc2136: removal from _acme-challenge.example.test. refused by 127.0.0.1:${port}: REFUSED (update-policy does not let TSIG key "k1" change TXT records here)`,
    );
  });
});
