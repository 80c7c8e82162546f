/**
 * The shipped playbooks, roles and example inventories load and validate (every module argument
 * checked against its schema, every role found), so a typo in them fails here and not in production.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderString } from '../../src/template/render.js';
import { loadInventory } from '../../src/inventory/load.js';
import { loadPlaybook } from '../../src/playbook/load.js';

const ROOT = join(import.meta.dirname, '../..');

describe('shipped playbooks and inventories', () => {
  const playbooks = readdirSync(join(ROOT, 'playbooks')).filter((f) => f.endsWith('.yml'));

  it('has the site playbook and the four seeds', () => {
    expect(playbooks.sort()).toEqual(
      expect.arrayContaining([
        'seed-000-ovh-mount.yml',
        'seed-002-route53.yml',
        'seed-003-haproxy.yml',
        'seed-004-ssl-sync.yml',
        'site.yml',
      ]),
    );
  });

  it.each(playbooks)('playbooks/%s loads with its roles', async (file) => {
    const pb = await loadPlaybook(join(ROOT, 'playbooks', file));
    expect(pb.plays.length).toBeGreaterThan(0);
  });

  it.each(['example.yml', 'ssl-sync.yml'])('inventory/%s loads', async (file) => {
    const inv = await loadInventory([join(ROOT, 'inventory', file)]);
    expect(inv.hosts.size).toBeGreaterThan(0);
  });

  describe('role templates render with the role defaults', () => {
    const defaults = (role: string) =>
      parse(readFileSync(join(ROOT, 'roles', role, 'defaults/main.yml'), 'utf8')) as Record<string, unknown>;
    const render = (role: string, file: string, vars: Record<string, unknown>) =>
      renderString(readFileSync(join(ROOT, 'roles', role, 'templates', file), 'utf8'), {
        inventory_hostname: 'web1',
        ...defaults(role),
        ...vars,
      });

    it('nginx: site with redirect, TLS snippet with modern protocols', () => {
      const site = render('nginx_tls', 'nginx-site.conf.j2', {
        nginx_tls_server_names: ['www.example.com', 'example.com'],
      });
      expect(site).toContain(
        'server_name www.example.com example.com;\n    return 301 https://$host$request_uri;',
      );
      expect(site).toContain('listen 443 ssl;');
      expect(site).toContain('include /etc/nginx/snippets/certfleet-certfleet-ssl.conf;');
      expect(render('nginx_tls', 'nginx-site.conf.j2', { nginx_tls_redirect: false })).not.toContain(
        'return 301',
      );
      const ssl = render('nginx_tls', 'nginx-ssl.conf.j2', {});
      expect(ssl).toContain('ssl_certificate /etc/ssl/certfleet/wildcard/fullchain.pem;');
      expect(ssl).toContain('ssl_certificate_key /etc/ssl/certfleet/wildcard/privkey.pem;');
      expect(ssl).toContain('ssl_protocols TLSv1.2 TLSv1.3;');
    });

    it('apache: full chain by default, SSLCertificateChainFile only for Apache < 2.4.8', () => {
      const modern = render('apache_tls', 'apache-site.conf.j2', {
        apache_tls_server_aliases: ['example.com'],
      });
      expect(modern).toContain('SSLCertificateFile /etc/ssl/certfleet/wildcard/fullchain.pem');
      expect(modern).toContain('    ServerAlias example.com\n');
      expect(modern).not.toContain('SSLCertificateChainFile');
      const legacy = render('apache_tls', 'apache-site.conf.j2', { apache_tls_legacy_chain: true });
      expect(legacy).toContain(
        'SSLCertificateFile /etc/ssl/certfleet/wildcard/cert.pem\n    SSLCertificateChainFile /etc/ssl/certfleet/wildcard/chain.pem',
      );
    });

    it('haproxy and tomcat: crt path, backend choice, PEM connector', () => {
      expect(render('haproxy_tls', 'haproxy-frontend.cfg.j2', {})).toContain(
        'bind :443 ssl crt /etc/haproxy/certs/wildcard.pem ssl-min-ver TLSv1.2',
      );
      expect(render('haproxy_tls', 'haproxy-frontend.cfg.j2', { haproxy_tls_backend: 'app' })).toContain(
        'default_backend app',
      );
      const tomcat = render('tomcat_tls', 'tomcat-connector.xml.j2', {});
      expect(tomcat).toContain('certificateKeyFile="/etc/ssl/certfleet/wildcard/privkey.pem"');
      expect(tomcat).toContain('<SSLHostConfig protocols="TLSv1.2+TLSv1.3">');
    });
  });
});
