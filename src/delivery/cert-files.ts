/**
 * The file set of one certificate on a host: `cert.pem`, `chain.pem`, `fullchain.pem` (0644) and
 * `privkey.pem` (0600, owner/group configurable so e.g. group `ssl-cert` can read it), plus an
 * optional HAProxy combined PEM. Before the set changes, the current one is copied to `DIR/.prev/`
 * so an operator (or `restorePrevSet`) can go back to it.
 */
import { shellQuote } from '../connections/connection.js';
import type { Connection } from '../connections/connection.js';
import type { StoredCert } from '../store/types.js';
import { combinedPem } from '../store/cert-pem.js';
import { runScript } from '../files/script.js';
import type { WantFile } from '../files/write.js';

/** Where and how to lay a certificate out on a host. */
export interface CertLayout {
  /** directory on the host, default `/etc/ssl/certfleet/NAME` */
  dir: string;
  owner?: string;
  group?: string;
  /** mode of the private key and the combined PEM (default 0600) */
  keyMode?: number;
  /** mode of the public files (default 0644) */
  certMode?: number;
  /** path of the combined PEM (full chain + key) for HAProxy, if wanted */
  combinedPath?: string;
}

/** Paths of the delivered files on the host. */
export interface CertPaths {
  dir: string;
  cert: string;
  chain: string;
  fullchain: string;
  privkey: string;
  combined?: string;
}

/** The default directory of a certificate on a host. */
export function defaultCertDir(name: string): string {
  return `/etc/ssl/certfleet/${name}`;
}

/** Paths the layout gives. */
export function certPaths(layout: CertLayout): CertPaths {
  const d = layout.dir.replace(/\/+$/, '');
  return {
    dir: d,
    cert: `${d}/cert.pem`,
    chain: `${d}/chain.pem`,
    fullchain: `${d}/fullchain.pem`,
    privkey: `${d}/privkey.pem`,
    ...(layout.combinedPath ? { combined: layout.combinedPath } : {}),
  };
}

/** The wanted files of a stored certificate under a layout. */
export function certFiles(cert: StoredCert, layout: CertLayout): WantFile[] {
  const p = certPaths(layout);
  const pub = { mode: layout.certMode ?? 0o644, owner: layout.owner, group: layout.group };
  const sec = { mode: layout.keyMode ?? 0o600, owner: layout.owner, group: layout.group, secret: true };
  const files: WantFile[] = [
    { path: p.cert, content: cert.cert, ...pub },
    { path: p.chain, content: cert.chain, ...pub },
    { path: p.fullchain, content: cert.fullchain, ...pub },
    { path: p.privkey, content: cert.privkey, ...sec },
  ];
  if (p.combined) files.push({ path: p.combined, content: combinedPem(cert), ...sec });
  return files;
}

/**
 * Shell lines (for `writeFiles` `pre`) that replace `DIR/.prev/` with a copy of the current set,
 * keeping modes and owners; the new copy is built aside and renamed so `.prev` is never half-made.
 */
export function prevSnapshotLines(paths: CertPaths): string[] {
  const d = shellQuote(paths.dir);
  const names = ['cert.pem', 'chain.pem', 'fullchain.pem', 'privkey.pem'];
  const lines = [
    `rm -rf -- ${d}/.prev.new && mkdir -m 700 -- ${d}/.prev.new`,
    `for f in ${names.join(' ')}; do if [ -f ${d}/"$f" ]; then cp -p -- ${d}/"$f" ${d}/.prev.new/; fi; done`,
  ];
  if (paths.combined) {
    const c = shellQuote(paths.combined);
    lines.push(`if [ -f ${c} ]; then cp -p -- ${c} ${d}/.prev.new/combined.pem; fi`);
  }
  lines.push(`rm -rf -- ${d}/.prev && mv -- ${d}/.prev.new ${d}/.prev`);
  return lines;
}

/** Put the `.prev/` set back in place (manual rollback of a delivered certificate). */
export async function restorePrevSet(conn: Connection, paths: CertPaths, become?: boolean): Promise<void> {
  const d = shellQuote(paths.dir);
  const lines = [
    'set -e',
    `[ -d ${d}/.prev ] || { echo "no previous set in ${paths.dir}/.prev" >&2; exit 1; }`,
    `for f in cert.pem chain.pem fullchain.pem privkey.pem; do if [ -f ${d}/.prev/"$f" ]; then cp -p -- ${d}/.prev/"$f" ${d}/."$f".r && mv -f -- ${d}/."$f".r ${d}/"$f"; fi; done`,
  ];
  if (paths.combined) {
    const c = shellQuote(paths.combined);
    lines.push(
      `if [ -f ${d}/.prev/combined.pem ]; then cp -p -- ${d}/.prev/combined.pem ${c}.r && mv -f -- ${c}.r ${c}; fi`,
    );
  }
  await runScript(conn, 'restoring the previous certificate set', lines.join('\n') + '\n', { become });
}
