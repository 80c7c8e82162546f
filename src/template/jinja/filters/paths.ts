/**
 * Path and URL filters that need no filesystem: basename, dirname, splitext, path_join,
 * win_basename/win_dirname, urlsplit (Python's posixpath / urllib.parse rules). realpath,
 * relpath, expanduser, fileglob read the controller's disk or environment and are left out.
 */
import type { FilterSpec } from '../environment.js';
import { JinjaRuntimeError } from '../errors.js';
import { pyStr } from '../pystr.js';
import { newDict, tuple } from '../values.js';

const s = pyStr;

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}
function dirname(p: string): string {
  const i = p.lastIndexOf('/') + 1;
  const head = p.slice(0, i);
  return head && head !== '/'.repeat(head.length) ? head.replace(/\/+$/, '') : head;
}
function splitext(p: string): [string, string] {
  const sep = p.lastIndexOf('/');
  const dot = p.lastIndexOf('.');
  if (dot > sep) {
    let i = sep + 1;
    while (i < dot && p[i] === '.') i++;
    if (i < dot) return [p.slice(0, dot), p.slice(dot)];
  }
  return [p, ''];
}
function join(parts: string[]): string {
  let out = parts[0] ?? '';
  for (const b of parts.slice(1)) {
    if (b.startsWith('/')) out = b;
    else if (!out || out.endsWith('/')) out += b;
    else out += `/${b}`;
  }
  return out;
}

function urlsplit(url: string): Map<unknown, unknown> {
  const m = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s.exec(url)!;
  const netloc = m[2] ?? '';
  const userinfo = netloc.includes('@') ? netloc.slice(0, netloc.lastIndexOf('@')) : null;
  const hostport = netloc.slice(netloc.lastIndexOf('@') + 1);
  const hm = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostport)!;
  const host = hm[1] ? hm[1].replace(/^\[|\]$/g, '').toLowerCase() : null;
  const port = hm[2] ? Number(hm[2]) : null;
  if (hm[2] && !/^\d+$/.test(hm[2]))
    throw new JinjaRuntimeError(`Port could not be cast to integer value as '${hm[2]}'`);
  return newDict([
    ['fragment', m[5] ?? ''],
    ['hostname', host],
    ['netloc', netloc],
    ['password', userinfo && userinfo.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : null],
    ['path', m[3] ?? ''],
    ['port', port],
    ['query', m[4] ?? ''],
    ['scheme', (m[1] ?? '').toLowerCase()],
    ['username', userinfo ? userinfo.split(':')[0] : null],
  ]);
}

/** Path filters by name. */
export const PATH_FILTERS: Record<string, FilterSpec> = {
  basename: { fn: (v) => basename(s(v)) },
  dirname: { fn: (v) => dirname(s(v)) },
  splitext: { fn: (v) => tuple(splitext(s(v))) },
  path_join: {
    fn: (v) => {
      if (typeof v === 'string') return v;
      if (Array.isArray(v)) return join(v.map(s));
      throw new JinjaRuntimeError('|path_join expects string or sequence');
    },
  },
  win_basename: { fn: (v) => s(v).split(/[\\/]/).pop() ?? '' },
  win_dirname: { fn: (v) => s(v).replace(/[\\/][^\\/]*$/, '') },
  urlsplit: {
    fn: (v, a) => {
      const parts = urlsplit(s(v));
      if (!a.length) return parts;
      const q = s(a[0]);
      if (!parts.has(q)) throw new JinjaRuntimeError(`urlsplit: unknown URL component: ${q}`);
      return parts.get(q);
    },
  },
};
