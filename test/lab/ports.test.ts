import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from './ports.js';

describe('lab free ports', () => {
  it('hands out distinct ports below the ephemeral range, each bindable for TCP and UDP', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 200; i++) ports.push(await freePort({ udp: true }));
    expect(new Set(ports).size).toBe(200);
    expect(ports.every((p) => p >= 20000 && p < 32768)).toBe(true);
    for (const port of ports.slice(0, 20)) {
      const srv = createServer();
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(port, '127.0.0.1', () => resolve());
      });
      const udp = createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(port, '127.0.0.1', () => resolve());
      });
      await new Promise<void>((r) => srv.close(() => r()));
      await new Promise<void>((r) => udp.close(() => r()));
    }
  });
});
