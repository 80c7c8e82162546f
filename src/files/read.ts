/**
 * Stat plus the content of a text file in one round trip: lineinfile, blockinfile and the TLS site
 * editor compute their edit on the control node from it. Same NUL-framed record as stat.ts, then the
 * file's bytes to the end of the reply.
 */
import type { Connection } from '../connections/connection.js';
import { ModuleError } from '../errors.js';
import { checkRemotePath } from './path.js';
import { parseStats, statScript, type RemoteStat } from './stat.js';

/** The stat of `path` and, for a regular file, its text. */
export async function readRemoteFile(
  conn: Connection,
  path: string,
  become?: boolean,
): Promise<{ stat: RemoteStat; text?: string }> {
  checkRemotePath(path);
  const script = `${statScript([path])}\nif [ -f "$p" ] && [ ! -L "$p" ]; then cat -- "$p"; fi`;
  const r = await conn.exec(script, { become, shared: true });
  if (r.code !== 0) throw new ModuleError(`cannot read ${path}: ${r.stderr.trim() || `exit ${r.code}`}`);
  let parsed;
  try {
    parsed = parseStats(r.stdout, 1);
  } catch (err) {
    throw new ModuleError(`cannot read ${path}: unexpected answer from the host: ${(err as Error).message}`);
  }
  const stat = parsed.stats[0];
  return { stat, text: stat.type === 'file' ? r.stdout.slice(parsed.end) : undefined };
}
