/**
 * From gathered facts to TLS sites: runs the parser of every web server whose config the host
 * returned. Sites of installed-but-stopped servers are audited too (their files are on disk and a
 * start would serve them); only the served-certificate check needs the server running.
 */
import { apacheTlsSites } from './apache-config.js';
import { haproxyTlsSites } from './haproxy-config.js';
import { nginxTlsSites } from './nginx-config.js';
import { tomcatTlsSites } from './tomcat-config.js';
import type { HostFacts, TlsSite, WebServerKind } from './types.js';

/** Apache's ServerRoot from the main config path (Debian apache2.conf, RHEL conf/httpd.conf). */
export function apacheRoot(main: string): string {
  const dir = main.slice(0, main.lastIndexOf('/'));
  return dir.endsWith('/conf') ? dir.slice(0, -5) : dir;
}

/** Every TLS site of every web server found on the host. */
export function sitesOf(facts: HostFacts): TlsSite[] {
  const out: TlsSite[] = [];
  const kinds: WebServerKind[] = ['nginx', 'apache', 'haproxy', 'tomcat'];
  for (const kind of kinds) {
    const main = facts.mainConfig[kind];
    const files = facts.configs[kind];
    if (!main || !files) continue;
    if (kind === 'nginx') out.push(...nginxTlsSites(main, files));
    if (kind === 'apache') out.push(...apacheTlsSites(main, apacheRoot(main), files));
    if (kind === 'haproxy') out.push(...haproxyTlsSites(main, files));
    if (kind === 'tomcat') out.push(...tomcatTlsSites(main, files));
  }
  return out;
}

/** The files a referenced path stands for: itself, or every gathered file in it when a directory. */
export function expandPath(facts: HostFacts, path: string): string[] {
  if (facts.stats.get(path)?.type !== 'directory') return [path];
  return [...facts.stats.keys()].filter(
    (p) => p.startsWith(`${path}/`) && facts.stats.get(p)?.type !== 'directory',
  );
}

/** A short label for a site in findings: its first name, else `file:line`. */
export function siteLabel(site: TlsSite): string {
  return site.serverNames[0] ?? `${site.file}:${site.line}`;
}
