/**
 * From gathered facts to TLS sites: runs the parser of every web server whose config the host
 * returned. Sites of installed-but-stopped servers are audited too (their files are on disk and a
 * start would serve them); only the served-certificate check needs the server running.
 */
import { webServers } from '../webservers/adapter.js';
import type { HostFacts, TlsSite } from './types.js';

/** Every TLS site of every web server found on the host, read by that server's own adapter. */
export function sitesOf(facts: HostFacts): TlsSite[] {
  const out: TlsSite[] = [];
  for (const w of webServers) {
    const main = facts.mainConfig[w.kind];
    const files = facts.configs[w.kind];
    if (main && files) out.push(...w.tlsSites(main, files));
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
