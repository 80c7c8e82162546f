/**
 * nginx configuration reader for audits: tokenises nginx.conf and every file it includes (as gathered
 * from the host), and returns each TLS `server {}` with its names, ports, certificate and key files,
 * protocols and stapling (directives inherited from `http {}` included).
 * Syntax: https://nginx.org/en/docs/beginners_guide.html#conf_structure
 */
import { absolutePath, expandInclude, portOf } from './config-common.js';
import type { TlsSite } from './sites.js';

/** One nginx directive with its position and, for blocks, its children. */
export interface NginxDirective {
  name: string;
  args: string[];
  file: string;
  line: number;
  block?: NginxDirective[];
}

/** Tokenise one file: words (quotes removed), `;`, `{`, `}` with their lines; comments dropped. */
function tokenize(text: string): { t: string; line: number; quoted: boolean }[] {
  const out: { t: string; line: number; quoted: boolean }[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') line++;
    if (/\s/.test(c)) i++;
    else if (c === '#') while (i < text.length && text[i] !== '\n') i++;
    else if (c === ';' || c === '{' || c === '}') {
      out.push({ t: c, line, quoted: false });
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        if (text[j] === '\n') line++;
        s += text[j++];
      }
      out.push({ t: s, line, quoted: true });
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s;{}#]/.test(text[j])) j++;
      out.push({ t: text.slice(i, j), line, quoted: false });
      i = j;
    }
  }
  return out;
}

/**
 * Parse `main` and the files it includes into one directive tree (includes replaced by the
 * directives of the included files, as nginx does).
 */
export function parseNginx(main: string, files: Map<string, string>): NginxDirective[] {
  const root = main.slice(0, main.lastIndexOf('/')) || '/';
  const parseFile = (file: string, depth: number): NginxDirective[] => {
    const text = files.get(file);
    if (text === undefined || depth > 20) return [];
    const toks = tokenize(text);
    let k = 0;
    const block = (): NginxDirective[] => {
      const list: NginxDirective[] = [];
      while (k < toks.length) {
        const tok = toks[k];
        if (tok.t === '}' && !tok.quoted) {
          k++;
          return list;
        }
        const d: NginxDirective = { name: tok.t, args: [], file, line: tok.line };
        k++;
        while (k < toks.length && (toks[k].quoted || !';{}'.includes(toks[k].t))) d.args.push(toks[k++].t);
        const end = toks[k++];
        if (end?.t === '{') d.block = block();
        if (d.name === 'include' && d.args[0]) {
          for (const f of expandInclude(d.args[0], root, files.keys())) list.push(...parseFile(f, depth + 1));
        } else list.push(d);
      }
      return list;
    };
    return block();
  };
  return parseFile(main, 0);
}

const first = (ds: NginxDirective[], name: string) => ds.find((d) => d.name === name);
const all = (ds: NginxDirective[], name: string) => ds.filter((d) => d.name === name);

/** Every TLS server block of an nginx config. */
export function nginxTlsSites(main: string, files: Map<string, string>): TlsSite[] {
  const root = main.slice(0, main.lastIndexOf('/')) || '/';
  const tree = parseNginx(main, files);
  const sites: TlsSite[] = [];
  for (const http of all(tree, 'http')) {
    const h = http.block ?? [];
    for (const server of all(h, 'server')) {
      const s = server.block ?? [];
      const sslOn = first(s, 'ssl')?.args[0] === 'on' || first(h, 'ssl')?.args[0] === 'on';
      const ports = all(s, 'listen')
        .filter((l) => sslOn || l.args.includes('ssl'))
        .map((l) => portOf(l.args[0] ?? ''))
        .filter((p): p is number => p !== undefined);
      if (!ports.length) continue;
      const pick = (name: string) => (all(s, name).length ? all(s, name) : all(h, name));
      const files1 = (name: string) =>
        pick(name)
          .map((d) => d.args[0])
          .filter((p) => p && !p.includes('$'))
          .map((p) => absolutePath(root, p));
      const protocols = (first(s, 'ssl_protocols') ?? first(h, 'ssl_protocols'))?.args;
      sites.push({
        server: 'nginx',
        file: server.file,
        line: server.line,
        serverNames: all(s, 'server_name')
          .flatMap((d) => d.args)
          .filter((n) => n && n !== '_' && !n.startsWith('~')),
        ports: [...new Set(ports)],
        certFiles: files1('ssl_certificate'),
        keyFiles: files1('ssl_certificate_key'),
        chainFiles: [],
        protocols,
        stapling: (first(s, 'ssl_stapling') ?? first(h, 'ssl_stapling'))?.args[0] === 'on',
      });
    }
  }
  return sites;
}
