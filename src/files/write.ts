/**
 * The one way certfleet writes files on a host [ans copy → atomic_move]: each file goes to a temp
 * name beside its destination, created with its final mode (a key is never readable by others, not
 * even for an instant), gets its owner, and is renamed over the destination ONLY once its sha256 on
 * the host matches the bytes that were sent — a connection cut or a controller killed mid-transfer
 * leaves the destination as it was, whatever the transport (exec channel, persistent driver, local).
 *
 * - `writeFile`: one file, its content on stdin (no encoding); the Perl driver's native `write` op
 *   does the same in its own process. Optional Ansible-style backup (`dest.<time>~`).
 * - `writeFiles`: a set of files and links in one script, each content base64 inside the script (one
 *   stream carries everything), with an optional backup directory so the whole set can be restored.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from '../connections/connection.js';
import { shellQuote } from '../connections/connection.js';
import { ModuleError } from '../errors.js';
import { backupLines, staleBackupCleanup } from './backup.js';
import { modeText } from './mode.js';
import { checkRemotePath, dirOf } from './path.js';
import { runScript, sha256 } from './script.js';
import { ownerSpec, type Attributes, type RemoteStat } from './stat.js';

/** A regular file wanted on the host. */
export interface WantFile {
  path: string;
  content: Buffer | string;
  /** octal mode, e.g. 0o644 */
  mode: number;
  owner?: string;
  group?: string;
  /**
   * `owner:group` of the file being replaced, kept when neither owner nor group is given (when the
   * writer already owns the old file, nothing needs doing)
   */
  keep?: string;
  /** key material: never fetched for a diff, never shown */
  secret?: boolean;
}

/** A symbolic link wanted on the host (e.g. sites-enabled → sites-available). */
export interface WantLink {
  path: string;
  target: string;
}

/** Shell lines that check the temp file `t` holds exactly `sum`, then set its mode and owner. */
function sealLines(f: WantFile, t: string, umaskMode: boolean): string[] {
  const dest = shellQuote(f.path);
  const lines = [
    // a short read (stdin closed early, a cut connection) must never reach the destination
    `h=$(sha256sum < ${t}) && [ "\${h%% *}" = ${sha256(f.content)} ] || ` +
      `{ rm -f -- ${t}; printf 'the content of %s arrived incomplete (%s bytes were sent): not written\\n' ${dest} ${Buffer.byteLength(f.content)} >&2; exit 4; }`,
  ];
  if (!umaskMode) lines.push(`chmod ${modeText(f.mode)} ${t}`);
  const owner = ownerSpec(f.owner, f.group);
  if (owner) lines.push(`chown ${shellQuote(owner)} ${t}`);
  else if (f.keep) lines.push(`{ [ -O ${dest} ] && [ -G ${dest} ]; } || chown ${shellQuote(f.keep)} ${t}`);
  return lines;
}

/** `keep` for a file replacing `existing` (its owner and group), when the caller sets neither. */
export function keepOwner(existing: RemoteStat | undefined, a: Attributes): string | undefined {
  if (existing?.type !== 'file' || a.owner !== undefined || a.group !== undefined) return undefined;
  return existing.owner && existing.group ? `${existing.owner}:${existing.group}` : undefined;
}

/**
 * Write one file atomically (content on stdin). With `backup`, the old file is kept as
 * `dest.<timestamp>~` and its path returned. Two to three processes in the sh case (cat, sha256sum,
 * mv); none with the Perl driver.
 */
export async function writeFile(
  conn: Connection,
  f: WantFile,
  opts: { backup?: boolean; become?: boolean } = {},
): Promise<{ backupFile?: string }> {
  checkRemotePath(f.path, 'dest');
  // cat creates the file as 0666 & ~umask: exact for modes without execute or special bits
  const viaUmask = (f.mode & ~0o666) === 0;
  const rand = randomBytes(6).toString('hex');
  const script = [
    'set -e',
    `d=${shellQuote(f.path)}`,
    'case "$d" in */*) dir="${d%/*}"; dir="${dir:-/}" ;; *) dir=. ;; esac',
    `[ -d "$dir" ] || { echo "destination directory $dir does not exist" >&2; exit 3; }`,
    `t="$dir/.certfleet.${rand}.tmp"`,
    `trap 'rm -f -- "$t"' EXIT`,
    `umask ${modeText(viaUmask ? ~f.mode & 0o777 : 0o077)}`,
    'cat > "$t"',
    ...sealLines(f, '"$t"', viaUmask),
    ...(opts.backup
      ? [
          'if [ -f "$d" ]; then b="$d.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p -- "$d" "$b"; printf \'backup|%s\\n\' "$b"; fi',
        ]
      : []),
    'mv -f -- "$t" "$d"',
    'trap - EXIT',
  ].join('\n');
  const content = Buffer.from(f.content);
  // the driver's native write does the same in its own process (no backup: that stays a script)
  const native = opts.backup
    ? undefined
    : {
        op: 'write',
        args: [
          f.path,
          modeText(f.mode),
          ownerSpec(f.owner, f.group),
          f.keep ?? '',
          rand,
          String(content.length),
          sha256(content),
        ],
      };
  const r = await conn.exec(script, { stdin: content, become: opts.become, shared: true, native });
  if (r.code !== 0) throw new ModuleError(`cannot write ${f.path}: ${r.stderr.trim() || `exit ${r.code}`}`);
  const m = /^backup\|(.*)$/m.exec(r.stdout);
  return { backupFile: m?.[1] };
}

/** What writeFiles changes: files, links, an optional backup directory, extra lines around. */
export interface FileChange {
  files: WantFile[];
  links?: WantLink[];
  /** save the previous version of every path here first (see restoreBackup) */
  backupDir?: string;
  /** shell lines run after the directories exist, before any write */
  pre?: string[];
  /** shell lines run after the writes */
  post?: string[];
}

/** Write files and links atomically in one round trip (see the file comment). */
export async function writeFiles(
  conn: Connection,
  change: FileChange,
  opts: { become?: boolean; signal?: AbortSignal } = {},
): Promise<void> {
  const links = change.links ?? [];
  for (const x of [...change.files, ...links]) checkRemotePath(x.path);
  // missing parents are created 0755 (a 077 umask would make them untraversable for the daemons)
  const lines: string[] = ['set -e', 'umask 022'];
  const dirs = new Set([...change.files, ...links].map((f) => dirOf(f.path)));
  for (const d of dirs) lines.push(`[ -d ${shellQuote(d)} ] || mkdir -p -- ${shellQuote(d)}`);
  // files are created private, then get their own mode before the rename
  lines.push('umask 077');
  // a write that fails (ENOSPC, EIO...) names its destination, and leaves no truncated temp file behind
  lines.push(`cf_fail() { rm -f -- "$1"; printf 'cannot write %s\\n' "$2" >&2; exit 1; }`);
  if (change.backupDir)
    lines.push(staleBackupCleanup(), `mkdir -p -m 700 -- ${shellQuote(change.backupDir)}`);
  lines.push(...(change.pre ?? []));
  const tag = randomBytes(4).toString('hex');
  let i = 0;
  for (const f of change.files) {
    i++;
    if (change.backupDir) lines.push(...backupLines(f.path, i, change.backupDir));
    const tmp = shellQuote(`${dirOf(f.path)}/.certfleet-${tag}-${i}.tmp`);
    const b64 = Buffer.from(f.content)
      .toString('base64')
      .replace(/(.{76})/g, '$1\n');
    lines.push(
      `base64 -d > ${tmp} <<'CERTFLEET_EOF' || cf_fail ${tmp} ${shellQuote(f.path)}`,
      b64,
      'CERTFLEET_EOF',
      ...sealLines(f, tmp, false),
      `mv -f -- ${tmp} ${shellQuote(f.path)}`,
    );
  }
  for (const l of links) {
    i++;
    if (change.backupDir) lines.push(...backupLines(l.path, i, change.backupDir));
    const tmp = shellQuote(`${dirOf(l.path)}/.certfleet-${tag}-${i}.lnk`);
    lines.push(`ln -sfn -- ${shellQuote(l.target)} ${tmp}`, `mv -Tf -- ${tmp} ${shellQuote(l.path)}`);
  }
  lines.push(...(change.post ?? []));
  await runScript(conn, 'writing files', lines.join('\n') + '\n', opts);
}

/** True when the file on the host differs from what is wanted (content, mode or ownership). */
export function fileDiffers(want: WantFile, st: RemoteStat): boolean {
  if (st.type !== 'file') return true;
  if (st.sha256 !== sha256(want.content)) return true;
  if (st.mode !== want.mode) return true;
  if (want.owner !== undefined && st.owner !== want.owner) return true;
  if (want.group !== undefined && st.group !== want.group) return true;
  return false;
}

/** True when the link on the host is missing or points elsewhere. */
export function linkDiffers(want: WantLink, st: RemoteStat): boolean {
  return st.type !== 'link' || st.linkTarget !== want.target;
}
