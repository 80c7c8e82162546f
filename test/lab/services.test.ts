import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedServiceConfigs } from './services.js';

// Reads the machine's own packaged configs, as the lab does.
const haveServers = ['/etc/apache2/ports.conf', '/etc/nginx/nginx.conf', '/etc/haproxy/haproxy.cfg'].every(
  (f) => existsSync(f),
);

describe.skipIf(!haveServers)('lab service configs', () => {
  // Free loopback ports are random: one starting with "443" once made the 443 rule rewrite the
  // already-rewritten `Listen 44312` into `Listen 4431244313` (apache2: "Invalid address or port").
  it.each([
    [44312, 44313],
    [8080, 443],
    [44399, 4430],
  ])('writes apache2 Listen lines for http %i / https %i and nothing else', async (http, https) => {
    const upper = await mkdtemp(join(tmpdir(), 'cfl-seed-'));
    try {
      await seedServiceConfigs(upper, 'h1', {
        nginx: { http: 8081, https: 8444 },
        apache2: { http, https },
        haproxy: { http: 8082, https: 8445 },
      });
      const ports = await readFile(join(upper, 'apache2/ports.conf'), 'utf8');
      const listens = ports.match(/^\s*Listen\s.*$/gm)?.map((l) => l.trim());
      // Debian's ports.conf: `Listen 80`, then `Listen 443` under ssl_module and under mod_gnutls.
      expect(listens).toEqual([`Listen ${http}`, `Listen ${https}`, `Listen ${https}`]);
      const vhost = await readFile(join(upper, 'apache2/sites-available/000-default.conf'), 'utf8');
      expect(vhost).toContain(`<VirtualHost *:${http}>`);
      const site = await readFile(join(upper, 'nginx/sites-available/default'), 'utf8');
      expect(site).toContain('listen 8081 default_server;');
      expect(await readFile(join(upper, 'haproxy/haproxy.cfg'), 'utf8')).toContain('bind :8082');
    } finally {
      await rm(upper, { recursive: true, force: true });
    }
  });
});
