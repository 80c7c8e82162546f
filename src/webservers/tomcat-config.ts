/**
 * Tomcat server.xml reader for audits: every `<Connector SSLEnabled="true">` is a TLS site; its
 * `<SSLHostConfig hostName>` gives the names and `<Certificate certificateFile/KeyFile/ChainFile>`
 * the PEM files (keystore-based connectors have no PEM paths and are reported without files).
 * Reference: https://tomcat.apache.org/tomcat-9.0-doc/config/http.html#SSL_Support
 */
import { absolutePath, lineAt, portOf } from './config-common.js';
import type { TlsSite } from './sites.js';

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z:]+)\s*=\s*"([^"]*)"/g)) out[m[1]] = m[2];
  return out;
}

/** Every TLS connector of a server.xml (comments ignored). */
export function tomcatTlsSites(main: string, files: Map<string, string>): TlsSite[] {
  const text = files.get(main);
  if (text === undefined) return [];
  // blank out comments but keep offsets, so line numbers stay right
  const xml = text.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '));
  const base = main.replace(/\/conf\/server\.xml$/, '');
  const sites: TlsSite[] = [];
  for (const m of xml.matchAll(/<Connector\b([^>]*?)(\/>|>([\s\S]*?)<\/Connector>)/g)) {
    const a = attrs(m[1]);
    if (a.SSLEnabled?.toLowerCase() !== 'true') continue;
    const body = m[3] ?? '';
    const hostCfgs = [...body.matchAll(/<SSLHostConfig\b([^>]*)>/g)].map((h) => attrs(h[1]));
    const certs = [...body.matchAll(/<Certificate\b([^>]*?)\/?>/g)].map((c) => attrs(c[1]));
    const file = (k: string) =>
      certs
        .map((c) => c[k])
        .filter(Boolean)
        .map((p) => absolutePath(base, p));
    const protocols = hostCfgs.map((h) => h.protocols).find(Boolean);
    sites.push({
      server: 'tomcat',
      file: main,
      line: lineAt(xml, m.index),
      serverNames: hostCfgs.map((h) => h.hostName).filter((n) => n && n !== '_default_'),
      ports: [portOf(a.port ?? '')].filter((p): p is number => p !== undefined),
      certFiles: file('certificateFile'),
      keyFiles: file('certificateKeyFile'),
      chainFiles: file('certificateChainFile'),
      protocols: protocols?.split(/[\s,]+/).filter((p) => p && !p.startsWith('-')),
      stapling: false,
    });
  }
  return sites;
}
