/**
 * Remote file primitives for the host modules, each ONE round trip: stat (+ sha256 computed on the
 * host, so unchanged content never travels), read (stat + bytes), atomic write (temp file in the
 * destination directory, mode and owner set first, then rename) and attribute fixes.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from '../../connections/connection.js';
import { shellQuote } from '../../connections/connection.js';
import { ModuleError } from '../../errors.js';
import { modeText } from './params.js';

/** What is at a remote path. `mode` is the permission bits as a number. */
export interface RemoteStat {
  path: string;
  type: 'absent' | 'file' | 'directory' | 'link' | 'other';
  mode?: number;
  owner?: string;
  group?: string;
  sha256?: string;
  linkTarget?: string;
}

/** Desired ownership and permissions; undefined fields are left as they are. */
export interface Attributes {
  mode?: number;
  owner?: string;
  group?: string;
}

/**
 * Shell that prints `path|P` then one stat line for `$p`. With `intoDir`, a destination that is a
 * directory means "the file NAME inside it" (copy's `dest: /etc/ssl/` semantics).
 */
function statSnippet(path: string, intoDir?: string): string {
  const into = intoDir
    ? `if [ -d "$p" ] && [ ! -L "$p" ]; then p="\${p%/}/"${shellQuote(intoDir)}; fi; `
    : '';
  return (
    `p=${shellQuote(path)}; ${into}printf 'path|%s\\n' "$p"; ` +
    `if [ -L "$p" ]; then printf 'link|%s\\n' "$(readlink -- "$p")"; ` +
    // no command substitutions (each one forks a subshell): two processes for a file, one for a
    // directory — this runs once per file per task on every host, so spawns are the cost that counts
    `elif [ -d "$p" ]; then stat --printf 'directory|%a|%U|%G\\n' -- "$p"; ` +
    `elif [ -f "$p" ]; then stat --printf 'file|%a|%U|%G|' -- "$p" && sha256sum < "$p"; ` +
    `elif [ -e "$p" ]; then echo other; else echo absent; fi`
  );
}

function parseStat(lines: string[]): RemoteStat {
  const path = lines[0].slice('path|'.length);
  const f = (lines[1] ?? 'absent').split('|');
  const attrs = (i: number) => ({ mode: parseInt(f[i], 8), owner: f[i + 1], group: f[i + 2] });
  switch (f[0]) {
    case 'link':
      return { path, type: 'link', linkTarget: f.slice(1).join('|') };
    case 'directory':
      return { path, type: 'directory', ...attrs(1) };
    case 'file':
      return { path, type: 'file', ...attrs(1), sha256: f[4]?.split(' ')[0] };
    case 'other':
      return { path, type: 'other' };
    default:
      return { path, type: 'absent' };
  }
}

/** Stat a remote path in one round trip (sha256 of regular files computed on the host). */
export async function remoteStat(
  conn: Connection,
  path: string,
  opts: { become?: boolean; intoDir?: string } = {},
): Promise<RemoteStat> {
  const r = await conn.exec(statSnippet(path, opts.intoDir), {
    become: opts.become,
    shared: true,
    native: { op: 'stat', args: [path, opts.intoDir ?? ''] },
  });
  const lines = r.stdout.split('\n');
  if (r.code !== 0 || !lines[0].startsWith('path|'))
    throw new ModuleError(`cannot stat ${path}: ${r.stderr.trim() || `exit ${r.code}`}`);
  return parseStat(lines);
}

/** Stat plus the content of a text file, in one round trip (lineinfile/blockinfile edit it locally). */
export async function remoteRead(
  conn: Connection,
  path: string,
  become?: boolean,
): Promise<{ stat: RemoteStat; text?: string }> {
  const r = await conn.exec(`${statSnippet(path)}; if [ -f "$p" ]; then cat -- "$p"; fi`, {
    become,
    shared: true,
  });
  if (r.code !== 0 || !r.stdout.startsWith('path|'))
    throw new ModuleError(`cannot read ${path}: ${r.stderr.trim() || `exit ${r.code}`}`);
  const first = r.stdout.indexOf('\n');
  const second = r.stdout.indexOf('\n', first + 1);
  const stat = parseStat(r.stdout.slice(0, second).split('\n'));
  return { stat, text: stat.type === 'file' ? r.stdout.slice(second + 1) : undefined };
}

/** chown's `owner`, `owner:group` or `:group`; '' when neither is set. */
export function ownerSpec(owner: string | undefined, group: string | undefined): string {
  return owner === undefined && group === undefined
    ? ''
    : `${owner ?? ''}${group !== undefined ? `:${group}` : ''}`;
}

/** chown/chgrp/chmod commands for `target` (a quoted shell word). */
function attrCommands(target: string, a: Attributes): string[] {
  const cmds: string[] = [];
  const owner = ownerSpec(a.owner, a.group);
  if (owner) cmds.push(`chown ${shellQuote(owner)} ${target}`);
  if (a.mode !== undefined) cmds.push(`chmod ${modeText(a.mode)} ${target}`);
  return cmds;
}

/** Which attributes differ between the wish and the stat. */
export function attributesDiffer(st: RemoteStat, a: Attributes): boolean {
  return (
    (a.mode !== undefined && st.mode !== a.mode) ||
    (a.owner !== undefined && st.owner !== String(a.owner)) ||
    (a.group !== undefined && st.group !== String(a.group))
  );
}

/** Apply ownership/permissions to an existing path. */
export async function setAttributes(
  conn: Connection,
  path: string,
  a: Attributes,
  become?: boolean,
): Promise<void> {
  const cmds = attrCommands(shellQuote(path), a);
  if (!cmds.length) return;
  const r = await conn.exec(cmds.join(' && '), { become, shared: true });
  if (r.code !== 0) throw new ModuleError(`cannot set attributes of ${path}: ${r.stderr.trim()}`);
}

/**
 * Write `content` to `dest` atomically: a temp file in the same directory is created with its final
 * permissions (through the umask: a key is never readable by others, not even for an instant), gets
 * its owner, then is renamed over `dest`. An existing file (`existing`, from the caller's stat) keeps
 * its mode and owner unless told otherwise; a new one defaults to 0644. With `backup`, the old file is
 * kept as `dest.<timestamp>~` and its path returned. Two processes in the common case (cat, mv):
 * this runs for every changed file on every host.
 */
export async function atomicWrite(
  conn: Connection,
  dest: string,
  content: string | Buffer,
  a: Attributes & { backup?: boolean; become?: boolean; existing?: RemoteStat },
): Promise<{ backupFile?: string }> {
  const old = a.existing?.type === 'file' ? a.existing : undefined;
  const mode = a.mode ?? old?.mode ?? 0o644;
  // cat creates the file as 0666 & ~umask: exact for modes without execute or special bits
  const viaUmask = (mode & ~0o666) === 0;
  // an existing file keeps its owner: when the old one belongs to the writer ([ -O ]/[ -G ] are shell
  // built-ins) the new one does too; otherwise chown it to the old owner
  const keep =
    old && a.owner === undefined && a.group === undefined && old.owner && old.group
      ? `${old.owner}:${old.group}`
      : '';
  const keepOwner = keep ? [`{ [ -O "$d" ] && [ -G "$d" ]; } || chown ${shellQuote(keep)} "$t"`] : [];
  const rand = randomBytes(6).toString('hex');
  const script = [
    'set -e',
    `d=${shellQuote(dest)}`,
    'case "$d" in */*) dir="${d%/*}"; dir="${dir:-/}" ;; *) dir=. ;; esac',
    `[ -d "$dir" ] || { echo "destination directory $dir does not exist" >&2; exit 3; }`,
    `t="$dir/.certfleet.${rand}.tmp"`,
    `trap 'rm -f -- "$t"' EXIT`,
    `umask ${modeText(viaUmask ? ~mode & 0o777 : 0o077)}`,
    'cat > "$t"',
    ...(viaUmask ? [] : [`chmod ${modeText(mode)} "$t"`]),
    ...attrCommands('"$t"', { owner: a.owner, group: a.group }),
    ...keepOwner,
    ...(a.backup
      ? [
          'if [ -f "$d" ]; then b="$d.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p -- "$d" "$b"; printf \'backup|%s\\n\' "$b"; fi',
        ]
      : []),
    'mv -f -- "$t" "$d"',
    'trap - EXIT',
  ].join('\n');
  // the driver's native write does the same in its own process (no backup: that stays a script)
  const native = a.backup
    ? undefined
    : { op: 'write', args: [dest, modeText(mode), ownerSpec(a.owner, a.group), keep, rand] };
  const r = await conn.exec(script, { stdin: content, become: a.become, shared: true, native });
  if (r.code !== 0) throw new ModuleError(`cannot write ${dest}: ${r.stderr.trim() || `exit ${r.code}`}`);
  const m = /^backup\|(.*)$/m.exec(r.stdout);
  return { backupFile: m?.[1] };
}
