/**
 * HAProxy configuration reader for audits: every `bind ... ssl crt X` line of a frontend/listen
 * section is a TLS site (the crt file holds certificate and key; a directory means every file in it).
 * Names come from the certificates (HAProxy picks them by SNI), protocols from `ssl-min-ver` on the
 * bind line or `ssl-default-bind-options`.
 * Reference: https://docs.haproxy.org/2.6/configuration.html#5.1
 */
import { absolutePath, portOf } from './config-common.js';
import type { TlsSite } from './sites.js';

const ORDER = ['SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** Protocols enabled by `ssl-min-ver X` / `ssl-max-ver Y` (undefined when neither is set). */
function haproxyProtocols(opts: string[]): string[] | undefined {
  const at = (k: string) => (opts.indexOf(k) >= 0 ? ORDER.indexOf(opts[opts.indexOf(k) + 1]) : -1);
  const min = at('ssl-min-ver');
  const max = at('ssl-max-ver');
  const disabled = (p: string) => opts.includes(`no-${p.toLowerCase().replace('.', '')}`);
  if (min < 0 && max < 0 && !opts.some((o) => o.startsWith('no-tlsv') || o === 'no-sslv3')) return undefined;
  return ORDER.slice(min < 0 ? 1 : min, max < 0 ? ORDER.length : max + 1).filter((p) => !disabled(p));
}

/** Every `bind ... ssl` line of an HAProxy config. */
export function haproxyTlsSites(main: string, files: Map<string, string>): TlsSite[] {
  const text = files.get(main);
  if (text === undefined) return [];
  const sites: TlsSite[] = [];
  let crtBase = '/etc/haproxy';
  let defaultOpts: string[] = [];
  let section = '';
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!l) return;
    const words = l.split(/\s+/);
    if (/^(global|defaults|frontend|listen|backend|userlist|peers|resolvers)$/.test(words[0]))
      section = words[0];
    if (words[0] === 'crt-base') crtBase = words[1];
    if (words[0] === 'ssl-default-bind-options') defaultOpts = words.slice(1);
    if (words[0] !== 'bind' || !(section === 'frontend' || section === 'listen') || !words.includes('ssl'))
      return;
    const crts: string[] = [];
    words.forEach((w, k) => {
      if (w === 'crt' && words[k + 1]) crts.push(absolutePath(crtBase, words[k + 1]));
    });
    const ports = words[1]
      .split(',')
      .map(portOf)
      .filter((p): p is number => p !== undefined);
    const own = haproxyProtocols(words);
    sites.push({
      server: 'haproxy',
      file: main,
      line: i + 1,
      serverNames: [],
      ports,
      certFiles: crts,
      keyFiles: [],
      chainFiles: [],
      protocols: own ?? haproxyProtocols(defaultOpts),
      stapling: false,
    });
  });
  return sites;
}
