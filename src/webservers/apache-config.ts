/**
 * Apache httpd configuration reader for audits: follows Include/IncludeOptional through the gathered
 * files and returns each `<VirtualHost>` with `SSLEngine on` (names, ports, certificate/key/chain
 * files, effective SSLProtocol, SSLUseStapling). Directive names are case-insensitive, as in httpd;
 * `<IfModule>`/`<IfDefine>` sections are read as if their condition held.
 * Reference: https://httpd.apache.org/docs/2.4/mod/mod_ssl.html
 */
import { absolutePath, expandInclude, portOf } from './config-common.js';
import type { TlsSite } from './sites.js';

interface Line {
  name: string;
  args: string[];
  file: string;
  line: number;
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m[1] ?? m[2]);
  return out;
}

/** Flatten `main` and its includes into directive lines (continuations joined, comments dropped). */
export function apacheLines(main: string, root: string, files: Map<string, string>): Line[] {
  const out: Line[] = [];
  const walk = (file: string, depth: number) => {
    const text = files.get(file);
    if (text === undefined || depth > 20) return;
    const raw = text.split('\n');
    for (let i = 0; i < raw.length; i++) {
      const start = i;
      let l = raw[i];
      while (l.endsWith('\\') && i + 1 < raw.length) l = l.slice(0, -1) + raw[++i];
      l = l.trim();
      if (!l || l.startsWith('#')) continue;
      const [name, ...args] = splitArgs(l);
      const d = { name: name.toLowerCase(), args, file, line: start + 1 };
      if ((d.name === 'include' || d.name === 'includeoptional') && args[0]) {
        for (const f of expandInclude(args[0], root, files.keys())) walk(f, depth + 1);
      } else out.push(d);
    }
  };
  walk(main, 0);
  return out;
}

/** Apply an SSLProtocol value (`all -SSLv3 -TLSv1`) to get the enabled protocol names. */
export function apacheProtocols(args: string[]): string[] {
  const ALL = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
  let set = new Set<string>();
  for (const a of args) {
    const op = a[0] === '-' || a[0] === '+' ? a[0] : '';
    const name = op ? a.slice(1) : a;
    const names =
      name.toLowerCase() === 'all' ? ALL.slice(1) : ALL.filter((p) => p.toLowerCase() === name.toLowerCase());
    if (!op) set = new Set(names);
    for (const n of names) {
      if (op === '-') set.delete(n);
      else set.add(n);
    }
  }
  return [...set];
}

/** Every SSL virtual host of an Apache config. */
export function apacheTlsSites(main: string, root: string, files: Map<string, string>): TlsSite[] {
  const lines = apacheLines(main, root, files);
  const sites: TlsSite[] = [];
  let globalProtocols: string[] | undefined;
  let globalStapling = false;
  let vhost: { open: Line; body: Line[] } | undefined;
  for (const l of lines) {
    if (l.name === '<virtualhost') {
      vhost = { open: l, body: [] };
      continue;
    }
    if (l.name === '</virtualhost>') {
      if (vhost) sites.push(...toSite(vhost.open, vhost.body, root));
      vhost = undefined;
      continue;
    }
    if (vhost) vhost.body.push(l);
    else if (l.name === 'sslprotocol') globalProtocols = apacheProtocols(l.args);
    else if (l.name === 'sslusestapling') globalStapling = l.args[0]?.toLowerCase() === 'on';
  }
  // server-level SSLProtocol/SSLUseStapling apply to every vhost that does not set its own
  for (const s of sites) {
    s.protocols ??= globalProtocols;
    if (!s.stapling && !(s as { staplingSet?: boolean }).staplingSet) s.stapling = globalStapling;
    delete (s as { staplingSet?: boolean }).staplingSet;
  }
  return sites;
}

function toSite(open: Line, body: Line[], root: string): TlsSite[] {
  const get = (n: string) => body.filter((l) => l.name === n);
  const engine = get('sslengine').at(-1)?.args[0]?.toLowerCase() === 'on';
  if (!engine) return [];
  const addrs = open.args.map((a) => a.replace(/>$/, '')).filter(Boolean);
  const ports = addrs.map(portOf).filter((p): p is number => p !== undefined);
  const files = (n: string) => get(n).map((l) => absolutePath(root, l.args[0] ?? ''));
  const stapling = get('sslusestapling').at(-1);
  const protocol = get('sslprotocol').at(-1);
  const site: TlsSite & { staplingSet?: boolean } = {
    server: 'apache',
    file: open.file,
    line: open.line,
    serverNames: [...get('servername'), ...get('serveralias')]
      .flatMap((l) => l.args)
      .map((n) => n.replace(/:\d+$/, '')),
    ports: [...new Set(ports.length ? ports : [443])],
    certFiles: files('sslcertificatefile'),
    keyFiles: files('sslcertificatekeyfile'),
    chainFiles: files('sslcertificatechainfile'),
    protocols: protocol ? apacheProtocols(protocol.args) : undefined,
    stapling: stapling?.args[0]?.toLowerCase() === 'on',
    staplingSet: stapling !== undefined,
  };
  return [site];
}
