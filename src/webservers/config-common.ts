/**
 * Helpers shared by the web-server config parsers: include globs resolved against the files the
 * gather script returned, path resolution, protocol checks.
 */

/** Resolve a config path the way the server does: relative paths are relative to `root`. */
export function absolutePath(root: string, p: string): string {
  return p.startsWith('/') ? p : `${root.replace(/\/$/, '')}/${p}`;
}

/**
 * The gathered files an include pattern names, in the order a shell glob lists them (sorted).
 * A directory pattern means every file in it (Apache `Include dir/`).
 */
export function expandInclude(pattern: string, root: string, files: Iterable<string>): string[] {
  const abs = absolutePath(root, pattern);
  const src = abs
    .split('')
    .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : /[.+^${}()|\\]/.test(c) ? `\\${c}` : c))
    .join('');
  const exact = new RegExp(`^${src}$`);
  const dir = new RegExp(`^${src.replace(/\/$/, '')}/[^/]+$`);
  const all = [...files];
  const hits = all.filter((f) => exact.test(f));
  return (hits.length ? hits : all.filter((f) => dir.test(f))).sort();
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Does a protocol list enable TLS 1.0 or 1.1 (or SSLv3)? Returns the legacy names found. */
export function legacyProtocols(protocols: string[] | undefined): string[] {
  if (!protocols) return [];
  return protocols.filter((p) => /^(SSLv3|TLSv1(\.0)?|TLSv1\.1)$/i.test(p.replace(/^\+/, '')));
}

/** The TCP port of a listen address (`443`, `*:443`, `[::]:8443`, `10.0.0.1:443`). */
export function portOf(addr: string): number | undefined {
  const m = /(?:^|:)(\d{1,5})$/.exec(addr.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n > 0 && n < 65536 ? n : undefined;
}
