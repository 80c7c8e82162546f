/**
 * Remote file sets with two round trips at most: one `sh` script inspects every path (sha256, mode,
 * owner, symlink target), one `sh -s` script fed on stdin writes the differing files. Content travels
 * on stdin (base64), never on a command line, so private keys are not visible in `ps` or in logs.
 * Each file is written to a temp name beside its destination, gets its mode and owner, then is renamed
 * into place; the previous version of every replaced path is copied to a backup directory first so
 * that `restoreBackup` can undo the whole set.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Connection } from '../connections/connection.js';
import { shellQuote } from '../connections/connection.js';
import { ConnectionError, ModuleError } from '../errors.js';

/** A regular file wanted on the host. */
export interface WantFile {
  path: string;
  content: Buffer | string;
  /** octal mode, e.g. 0o644 */
  mode: number;
  owner?: string;
  group?: string;
  /** key material: never fetched for a diff, never shown */
  secret?: boolean;
}

/** A symbolic link wanted on the host (e.g. sites-enabled → sites-available). */
export interface WantLink {
  path: string;
  target: string;
}

/** What a path is on the host right now. */
export type RemoteState =
  | { kind: 'file'; sha256: string; mode: number; owner: string; group: string }
  | { kind: 'link'; target: string }
  | { kind: 'other' }
  | { kind: 'absent' };

// Positional parameters carry the paths; one line of output per path, in order.
const INSPECT = `for p in "$@"; do
if [ -L "$p" ]; then printf 'L %s\\n' "$(readlink -- "$p")";
elif [ -f "$p" ]; then printf 'F %s %s\\n' "$(sha256sum -- "$p" | cut -d' ' -f1)" "$(stat -c '%a %U %G' -- "$p")";
elif [ -e "$p" ]; then echo O; else echo A; fi; done`;

/** sha256 hex of some content, as `sha256sum` prints it. */
export function sha256(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Run a shell script on the host; a non-zero exit becomes a ModuleError with `what` and stderr. */
export async function runScript(
  conn: Connection,
  what: string,
  script: string,
  opts: { become?: boolean; args?: string[]; signal?: AbortSignal } = {},
): Promise<string> {
  const args = (opts.args ?? []).map(shellQuote).join(' ');
  // One brace group: sh parses all of it before running any of it. `sh -s` otherwise runs commands as
  // they arrive, so a connection lost in the middle of a large script (several SSH packets) ran the
  // part that had arrived, its cut last line included (a heredoc cut short is still executed).
  const whole = `{\n${script}\n}\n`;
  const r = await conn.exec(`sh -s -- ${args}`, { stdin: whole, become: opts.become, signal: opts.signal });
  if (r.code !== 0) {
    const detail = (r.stderr || r.stdout).trim().split('\n').slice(-5).join('; ');
    throw new ModuleError(`${what} failed (rc=${r.code ?? r.signal}): ${detail}`);
  }
  return r.stdout;
}

/** State of each path on the host, in one round trip. */
export async function inspectPaths(
  conn: Connection,
  paths: string[],
  become?: boolean,
): Promise<RemoteState[]> {
  if (paths.length === 0) return [];
  const out = await runScript(conn, 'inspecting remote files', INSPECT, { become, args: paths });
  const lines = out.split('\n').filter((l) => l !== '');
  if (lines.length !== paths.length) {
    throw new ConnectionError(
      `${conn.host}: unexpected answer while inspecting ${paths.length} paths: ${out}`,
    );
  }
  return lines.map((line): RemoteState => {
    const [kind, ...rest] = line.split(' ');
    if (kind === 'L') return { kind: 'link', target: rest.join(' ') };
    if (kind === 'F')
      return { kind: 'file', sha256: rest[0], mode: parseInt(rest[1], 8), owner: rest[2], group: rest[3] };
    if (kind === 'O') return { kind: 'other' };
    return { kind: 'absent' };
  });
}

/** True when the file on the host differs from what is wanted (content, mode or ownership). */
export function fileDiffers(want: WantFile, state: RemoteState): boolean {
  if (state.kind !== 'file') return true;
  if (state.sha256 !== sha256(want.content)) return true;
  if (state.mode !== want.mode) return true;
  if (want.owner !== undefined && state.owner !== want.owner) return true;
  if (want.group !== undefined && state.group !== want.group) return true;
  return false;
}

/** True when the link on the host is missing or points elsewhere. */
export function linkDiffers(want: WantLink, state: RemoteState): boolean {
  return state.kind !== 'link' || state.target !== want.target;
}

const BACKUP_PREFIX = '/var/tmp/certfleet-txn-';
/** A transaction takes seconds: a backup this old belongs to a run that was killed mid-way. */
const STALE_BACKUP_MS = 3600_000;

/** A fresh backup directory name on the host for one transaction (the controller's time in it). */
export function newBackupDir(): string {
  return `${BACKUP_PREFIX}${Date.now()}-${randomBytes(4).toString('hex')}`;
}

/**
 * Shell that removes backups a killed run left behind (0700 directories holding previous files,
 * keys included): those whose time stamp — the controller's, like ours — is over an hour old.
 */
export function staleBackupCleanup(now = Date.now()): string {
  return (
    `for d in ${BACKUP_PREFIX}*; do [ -d "$d" ] || continue; ts=\${d#${BACKUP_PREFIX}}; ts=\${ts%%-*}; ` +
    `case "$ts" in ''|*[!0-9]*) continue ;; esac; ` +
    `if [ $((${now} - ts)) -gt ${STALE_BACKUP_MS} ]; then rm -rf -- "$d"; fi; done`
  );
}

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

/** Shell lines that save the current version of `path` as backup entry `i` (or record it absent). */
export function backupLines(path: string, i: number | string, backupDir: string): string[] {
  const p = shellQuote(path);
  const b = shellQuote(`${backupDir}/${i}`);
  return [
    `printf '%s\\n' ${p} > ${shellQuote(`${backupDir}/${i}.path`)}`,
    `if [ -e ${p} ] || [ -L ${p} ]; then cp -pP -- ${p} ${b}; fi`,
  ];
}

/**
 * Write files and links atomically in one round trip. When `backupDir` is given, the previous
 * version of each path is saved there first (see `restoreBackup`). `pre`/`post` are extra shell
 * lines run before and after the writes in the same script.
 */
export async function applyChanges(
  conn: Connection,
  change: { files: WantFile[]; links?: WantLink[]; backupDir?: string; pre?: string[]; post?: string[] },
  opts: { become?: boolean; signal?: AbortSignal } = {},
): Promise<void> {
  const links = change.links ?? [];
  // missing parents are created 0755 (a 077 umask would make them untraversable for the daemons)
  const lines: string[] = ['set -e', 'umask 022'];
  const dirs = new Set([...change.files, ...links].map((f) => dirOf(f.path)));
  for (const d of dirs) lines.push(`[ -d ${shellQuote(d)} ] || mkdir -p -- ${shellQuote(d)}`);
  // files are created private, then get their own mode before the rename
  lines.push('umask 077');
  // a write that fails (ENOSPC, EIO...) names its destination, and leaves no truncated temp file behind
  lines.push(`cf_fail() { rm -f -- "$1"; printf 'cannot write %s\\n' "$2" >&2; exit 1; }`);
  let i = 0;
  if (change.backupDir)
    lines.push(staleBackupCleanup(), `mkdir -p -m 700 -- ${shellQuote(change.backupDir)}`);
  lines.push(...(change.pre ?? []));
  const tag = randomBytes(4).toString('hex');
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
    );
    // mode and owner are set on the temp file so the file never appears with the wrong ones
    lines.push(`chmod ${f.mode.toString(8)} ${tmp}`);
    if (f.owner !== undefined || f.group !== undefined) {
      lines.push(
        `chown ${shellQuote(`${f.owner ?? ''}${f.group !== undefined ? `:${f.group}` : ''}`)} ${tmp}`,
      );
    }
    lines.push(`mv -f -- ${tmp} ${shellQuote(f.path)}`);
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

// Restores every saved entry: a saved copy goes back by copy + rename, a path absent before is removed.
const RESTORE = `set -e
b="$1"
for f in "$b"/*.path; do
  [ -e "$f" ] || continue
  i="\${f%.path}"; p="$(cat "$f")"
  if [ -e "$i" ] || [ -L "$i" ]; then cp -pP -- "$i" "$p.certfleet-restore"; mv -Tf -- "$p.certfleet-restore" "$p";
  else rm -f -- "$p"; fi
done
rm -rf -- "$b"`;

/** Put back every path saved in `backupDir` by `applyChanges`, then delete the backup. */
export async function restoreBackup(conn: Connection, backupDir: string, become?: boolean): Promise<void> {
  await runScript(conn, 'restoring previous files', RESTORE, { become, args: [backupDir] });
}

/** Delete a backup directory once the transaction succeeded. */
export async function dropBackup(conn: Connection, backupDir: string, become?: boolean): Promise<void> {
  await runScript(conn, 'removing backup', `rm -rf -- "$1"`, { become, args: [backupDir] });
}
