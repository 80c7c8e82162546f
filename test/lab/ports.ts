/**
 * Free ports for lab daemons that need a fixed port before they start (sshd and web servers in the
 * loopback fallback, Pebble, bind9). Picked at random below the kernel's ephemeral range (32768+),
 * so no outgoing connection of this or another process can hold one, probed by binding, and never
 * handed out twice by one process. A daemon of another process may still take a port between the
 * probe and the daemon's own bind: 12,000 candidates make that unlikely, not impossible.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

const FIRST = 20000;
const COUNT = 12000;
const handedOut = new Set<number>();

export interface FreePortOptions {
  /** address the daemon will bind (default 127.0.0.1) */
  address?: string;
  /** the port must be free for UDP too (a DNS server) */
  udp?: boolean;
}

export async function freePort(opts: FreePortOptions = {}): Promise<number> {
  const address = opts.address ?? '127.0.0.1';
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = FIRST + Math.floor(Math.random() * COUNT);
    if (handedOut.has(port)) continue;
    if (!(await tcpFree(address, port))) continue;
    if (opts.udp && !(await udpFree(address, port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`lab: no free port found on ${address} in ${FIRST}-${FIRST + COUNT - 1}`);
}

function tcpFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, address, () => srv.close(() => resolve(true)));
  });
}

function udpFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    sock.once('error', () => resolve(false));
    sock.bind(port, address, () => sock.close(() => resolve(true)));
  });
}
