/**
 * Transaction backups on the host: before a set of files changes, the previous version of every path
 * (or the fact that it was absent) is saved in a 0700 directory under /var/tmp, so `restoreBackup`
 * can put the whole set back — files, links and absences — exactly.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from '../connections/connection.js';
import { shellQuote } from '../connections/connection.js';
import { runScript } from './script.js';

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

/**
 * Shell lines that save the current version of `path` as backup entry `i` (or record it absent).
 * The path is stored without a trailing newline, so any path (newlines included) comes back exactly.
 */
export function backupLines(path: string, i: number | string, backupDir: string): string[] {
  const p = shellQuote(path);
  const b = shellQuote(`${backupDir}/${i}`);
  return [
    `printf '%s' ${p} > ${shellQuote(`${backupDir}/${i}.path`)}`,
    `if [ -e ${p} ] || [ -L ${p} ]; then cp -pP -- ${p} ${b}; fi`,
  ];
}

// Restores every saved entry: a saved copy goes back by copy + rename, a path absent before is removed.
// `$(cat f; echo x)` then `${p%x}` keeps trailing newlines a command substitution would strip.
const RESTORE = `set -e
b="$1"
for f in "$b"/*.path; do
  [ -e "$f" ] || continue
  i="\${f%.path}"; p="$(cat -- "$f"; echo x)"; p="\${p%x}"
  if [ -e "$i" ] || [ -L "$i" ]; then cp -pP -- "$i" "$p.certfleet-restore"; mv -Tf -- "$p.certfleet-restore" "$p";
  else rm -f -- "$p"; fi
done
rm -rf -- "$b"`;

/** Put back every path saved in `backupDir` by `writeFiles`, then delete the backup. */
export async function restoreBackup(conn: Connection, backupDir: string, become?: boolean): Promise<void> {
  await runScript(conn, 'restoring previous files', RESTORE, { become, args: [backupDir] });
}

/** Delete a backup directory once the transaction succeeded. */
export async function dropBackup(conn: Connection, backupDir: string, become?: boolean): Promise<void> {
  await runScript(conn, 'removing backup', `rm -rf -- "$1"`, { become, args: [backupDir] });
}
