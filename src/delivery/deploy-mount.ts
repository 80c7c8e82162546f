/**
 * `mount` delivery: the control node's store directory of a certificate is mounted read-only on the
 * host instead of copied, so every renewal is visible at once (the web server still needs a reload).
 * Idempotent: one round trip reads the `/etc/fstab` entry for the mount point and what is mounted
 * there; the fstab entry is replaced (other lines kept byte for byte, temp file + rename) and the
 * mount made only when they differ.
 *
 * The mount shows the store's `certs/NAME/` at DEST, so the files are at `DEST/live/*.pem`.
 * `mount_type: nfs` writes `SERVER:/path DEST nfs ro,...` (the control node must export the store);
 * `mount_type: bind` writes `SRC DEST none bind,ro` for hosts that share the control node's
 * filesystem (containers, the lab's namespaces). The lab's kernel registers neither the `nfs` nor the
 * `nfsd` filesystem (see /proc/filesystems; no modules to load), so no NFS server or client can run
 * there: the tests exercise the bind variant; the fstab and mount logic is the same for both, only
 * the NFS line itself (`fstabLine`) is checked by a unit test.
 */
import { dirname } from 'node:path';
import type { Connection } from '../connections/connection.js';
import { ModuleError } from '../errors.js';
import type { DeliveryOutcome, HostTarget } from './types.js';
import { unifiedDiff } from '../output/diff.js';
import { certPaths, defaultCertDir } from './cert-files.js';
import type { StoredCert } from '../store/types.js';
import { runScript } from '../files/script.js';

/** The fstab line for a mount of `src` at `dest`. */
export function fstabLine(type: 'bind' | 'nfs', src: string, dest: string): string {
  const esc = (s: string) => s.replace(/ /g, '\\040');
  return type === 'nfs'
    ? `${esc(src)} ${esc(dest)} nfs ro,nosuid,nodev,noexec,_netdev 0 0`
    : `${esc(src)} ${esc(dest)} none bind,ro 0 0`;
}

// $1 mount point. Prints the fstab line(s) for it, then `--`, then "SOURCE OPTIONS" of the mount.
const INSPECT = `awk -v d="$1" '$1 !~ /^#/ && $2 == d' /etc/fstab 2>/dev/null; echo --
findmnt -n -o SOURCE,OPTIONS --mountpoint "$1" 2>/dev/null | tail -n 1; true`;

// $1 mount point, $2 wanted fstab line: rewrite fstab without the mount point's lines + the new
// line, then (re)mount from fstab so the entry itself is what is tested.
const APPLY = `set -e
d="$1"; line="$2"
mkdir -p -- "$d"
tmp=/etc/.fstab.certfleet.$$
{ awk -v d="$d" '!($1 !~ /^#/ && $2 == d)' /etc/fstab 2>/dev/null || true; printf '%s\\n' "$line"; } > "$tmp"
chmod 644 "$tmp"; mv -f -- "$tmp" /etc/fstab
if findmnt -n --mountpoint "$d" >/dev/null 2>&1; then umount -- "$d"; fi
mount -- "$d"
findmnt -n -o OPTIONS --mountpoint "$d" | grep -q '\\bro\\b' || { echo "$d is not read-only after mount" >&2; exit 1; }`;

interface MountState {
  fstab: string[];
  mounted?: { source: string; options: string };
}

async function inspect(conn: Connection, dest: string, become: boolean): Promise<MountState> {
  const out = await runScript(conn, 'reading /etc/fstab and mounts', INSPECT, { become, args: [dest] });
  const [fst, mnt] = out.split(/^--$/m);
  const fstab = fst.split('\n').filter((l) => l.trim() !== '');
  const m = (mnt ?? '').trim();
  if (m === '') return { fstab };
  const [source, options] = m.split(/\s+/);
  return { fstab, mounted: { source, options } };
}

function mountMatches(type: 'bind' | 'nfs', src: string, st: MountState): boolean {
  if (!st.mounted || !/(^|,)ro(,|$)/.test(st.mounted.options)) return false;
  // findmnt shows a bind mount's source as `device[/path]`: compare the path part
  return type === 'nfs'
    ? st.mounted.source === src
    : st.mounted.source.endsWith(`[${src}]`) || st.mounted.source === src;
}

/** How to mount: a bind mount of the store (shared filesystem) or NFS from `nfsSource`. */
export interface MountOptions {
  type?: 'bind' | 'nfs';
  /** directory on the host (default /etc/ssl/certfleet/NAME) */
  dest?: string;
  /** `server:/export/path` of the certificate directory (nfs) */
  nfsSource?: string;
}

/** Mount the store directory of `cert` on the host (cert_deploy `method: mount`). */
export async function deployByMount(
  ctx: HostTarget,
  cert: StoredCert,
  p: MountOptions,
): Promise<DeliveryOutcome> {
  const type = p.type ?? 'bind';
  const dest = (p.dest ?? defaultCertDir(cert.name)).replace(/\/+$/, '');
  // the certificate's directory, not `live/` itself: the store swaps `live` by rename, and a mount
  // of the old directory would keep showing the old files
  const src = type === 'nfs' ? p.nfsSource : dirname(cert.liveDir);
  if (src === undefined)
    throw new ModuleError(
      'cert_deploy: method mount with mount_type nfs needs nfs_source (SERVER:/export/path)',
    );
  const line = fstabLine(type, src, dest);
  const st = await inspect(ctx.conn, dest, ctx.become);
  const fstabOk = st.fstab.length === 1 && st.fstab[0].trim().split(/\s+/).join(' ') === line;
  const changed = !fstabOk || !mountMatches(type, src, st);
  const paths = certPaths({ dir: `${dest}/live` });
  const data = { ...paths, serial: cert.serial, mount_source: src, mount_type: type, fstab: line };
  const diff =
    ctx.diff && changed
      ? [
          unifiedDiff(
            '/etc/fstab',
            st.fstab.map((l) => `${l}\n`).join('') +
              (st.mounted ? `# mounted: ${st.mounted.source} ${st.mounted.options}\n` : ''),
            `${line}\n# mounted: ${src} ro\n`,
          ),
        ]
      : undefined;
  if (changed && !ctx.check)
    await runScript(ctx.conn, `mounting ${src} at ${dest}`, APPLY, {
      become: ctx.become,
      args: [dest, line],
    });
  return {
    changed,
    msg: changed ? `${src} mounted read-only at ${dest}` : `${dest} already mounted`,
    diff,
    data,
  };
}
