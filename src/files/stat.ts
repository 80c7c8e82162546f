/**
 * What is at remote paths, for any number of paths in ONE round trip, with the sha256 of regular
 * files computed on the host (unchanged content never travels). The reply is NUL-framed — seven
 * NUL-terminated fields per path — so paths holding newlines or any other byte but NUL are read
 * back exactly. The Perl driver's native `stat` op prints the same bytes without a process.
 */
import type { Connection } from '../connections/connection.js';
import { shellQuote } from '../connections/connection.js';
import { ModuleError } from '../errors.js';
import { checkRemotePath } from './path.js';

/** What is at a remote path. `mode` is the permission bits as a number. */
export interface RemoteStat {
  /** the path looked at (with `intoDir`: the file inside the directory, when it was one) */
  path: string;
  type: 'absent' | 'file' | 'directory' | 'link' | 'other';
  mode?: number;
  owner?: string;
  group?: string;
  /** regular files, when hashing was asked */
  sha256?: string;
  linkTarget?: string;
}

/** Desired ownership and permissions; undefined fields are left as they are. */
export interface Attributes {
  mode?: number;
  owner?: string;
  group?: string;
}

/** Options of statPaths. */
export interface StatOptions {
  become?: boolean;
  /** a path that is a directory means "the file NAME inside it" (copy's `dest: /etc/ssl/`) */
  intoDir?: string;
  /** hash regular files (default true); `false` for modules that only need type and attributes */
  hash?: boolean;
}

const FIELDS = 7;

/** The sh function printing one record; the driver's native op prints the same bytes. */
function statFunction(hash: boolean): string {
  const sum = hash ? 'sha256sum < "$p" && ' : '';
  return [
    'cf_stat() { p=$1; if [ -n "$2" ] && [ -d "$p" ] && [ ! -L "$p" ]; then p="${p%/}/$2"; fi',
    `printf '%s\\0' "$p"`,
    // a link's target ends with readlink's newline, stripped by the parser (a target may hold newlines)
    `if [ -L "$p" ]; then printf 'link\\0\\0\\0\\0\\0' && readlink -- "$p" && printf '\\0'`,
    // no command substitution (each forks a subshell): two processes for a file, one for a directory
    `elif [ -d "$p" ]; then stat --printf 'directory\\0%a\\0%U\\0%G\\0\\0\\0' -- "$p"`,
    `elif [ -f "$p" ]; then stat --printf 'file\\0%a\\0%U\\0%G\\0' -- "$p" && ${sum}printf '\\0\\0'`,
    `elif [ -e "$p" ]; then printf 'other\\0\\0\\0\\0\\0\\0'; else printf 'absent\\0\\0\\0\\0\\0\\0'; fi; }`,
  ].join('\n');
}

/** The shell job that stats `paths` (also used inside larger scripts, e.g. the file reader). */
export function statScript(paths: string[], opts: StatOptions = {}): string {
  const into = shellQuote(opts.intoDir ?? '');
  const calls = paths.map((p) => `cf_stat ${shellQuote(p)} ${into} || exit 2`);
  return [statFunction(opts.hash !== false), ...calls].join('\n');
}

/** Parse `count` records from the start of `out`; returns them and where the records end. */
export function parseStats(out: string, count: number): { stats: RemoteStat[]; end: number } {
  const stats: RemoteStat[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const f: string[] = [];
    for (let k = 0; k < FIELDS; k++) {
      const nul = out.indexOf('\0', at);
      if (nul < 0) throw new Error(`record ${i + 1} of ${count} is incomplete`);
      f.push(out.slice(at, nul));
      at = nul + 1;
    }
    stats.push(record(f));
  }
  return { stats, end: at };
}

function record([path, type, mode, owner, group, sum, target]: string[]): RemoteStat {
  const attrs = { mode: parseInt(mode, 8), owner, group };
  switch (type) {
    case 'link':
      return { path, type, linkTarget: target.replace(/\n$/, '') };
    case 'directory':
      return { path, type, ...attrs };
    case 'file':
      return { path, type, ...attrs, ...(sum ? { sha256: sum.split(' ')[0] } : {}) };
    case 'other':
    case 'absent':
      return { path, type };
    default:
      throw new Error(`unknown type ${JSON.stringify(type)}`);
  }
}

/** Stat every path in one round trip (results in the order of `paths`). */
export async function statPaths(
  conn: Connection,
  paths: string[],
  opts: StatOptions = {},
): Promise<RemoteStat[]> {
  if (!paths.length) return [];
  for (const p of paths) checkRemotePath(p);
  const hash = opts.hash !== false;
  const r = await conn.exec(statScript(paths, opts), {
    become: opts.become,
    shared: true,
    native: { op: 'stat', args: [opts.intoDir ?? '', hash ? '1' : '', ...paths] },
  });
  const what = paths.length === 1 ? paths[0] : `${paths.length} paths (${paths[0]}...)`;
  if (r.code !== 0) throw new ModuleError(`cannot stat ${what}: ${r.stderr.trim() || `exit ${r.code}`}`);
  try {
    const { stats, end } = parseStats(r.stdout, paths.length);
    if (end !== r.stdout.length) throw new Error('unexpected bytes after the records');
    return stats;
  } catch (err) {
    throw new ModuleError(`cannot stat ${what}: unexpected answer from the host: ${(err as Error).message}`);
  }
}

/** Stat one path. */
export async function statPath(conn: Connection, path: string, opts: StatOptions = {}): Promise<RemoteStat> {
  return (await statPaths(conn, [path], opts))[0];
}

/** Which attributes differ between the wish and the stat. */
export function attributesDiffer(st: RemoteStat, a: Attributes): boolean {
  return (
    (a.mode !== undefined && st.mode !== a.mode) ||
    (a.owner !== undefined && st.owner !== String(a.owner)) ||
    (a.group !== undefined && st.group !== String(a.group))
  );
}

/** chown's `owner`, `owner:group` or `:group`; '' when neither is set. */
export function ownerSpec(owner: string | undefined, group: string | undefined): string {
  return owner === undefined && group === undefined
    ? ''
    : `${owner ?? ''}${group !== undefined ? `:${group}` : ''}`;
}
