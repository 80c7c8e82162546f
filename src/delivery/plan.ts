/**
 * A delivery plan: which of the wanted files and links differ on the host (one inspect round trip)
 * and the diffs to show for them. Key material never enters a diff: secret files are shown as a
 * one-line summary, certificates as their serial/subject/expiry instead of base64.
 */
import type { Connection } from '../connections/connection.js';
import type { FileDiff } from '../output/diff.js';
import { unifiedDiff } from '../output/diff.js';
import { describeCert } from '../store/cert-pem.js';
import { sha256 } from '../files/script.js';
import { statPaths, type RemoteStat } from '../files/stat.js';
import { fileDiffers, linkDiffers, type WantFile, type WantLink } from '../files/write.js';

/** What must change on one host. */
export interface FilePlan {
  files: WantFile[];
  links: WantLink[];
  /** state of every changed path before the change, by path */
  before: Map<string, RemoteStat>;
}

/** Compare wanted files and links with the host in one round trip. */
export async function planFiles(
  conn: Connection,
  files: WantFile[],
  links: WantLink[],
  become?: boolean,
): Promise<FilePlan> {
  const states = await statPaths(conn, [...files.map((f) => f.path), ...links.map((l) => l.path)], {
    become,
  });
  const plan: FilePlan = { files: [], links: [], before: new Map() };
  files.forEach((f, i) => {
    if (fileDiffers(f, states[i])) {
      plan.files.push(f);
      plan.before.set(f.path, states[i]);
    }
  });
  links.forEach((l, i) => {
    const st = states[files.length + i];
    if (linkDiffers(l, st)) {
      plan.links.push(l);
      plan.before.set(l.path, st);
    }
  });
  return plan;
}

/** True when nothing differs. */
export function planIsEmpty(plan: FilePlan): boolean {
  return plan.files.length === 0 && plan.links.length === 0;
}

function describe(path: string, st: RemoteStat | undefined): string {
  if (!st || st.type === 'absent') return '';
  if (st.type === 'link') return `symlink -> ${st.linkTarget}\n`;
  if (st.type !== 'file') return 'not a regular file\n';
  return `sha256 ${st.sha256}\nmode ${st.mode!.toString(8)} owner ${st.owner}:${st.group}\n`;
}

function certSummary(pem: string): string | undefined {
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) return undefined;
  try {
    const c = describeCert(pem);
    return `certificate serial ${c.serial}\nsubject ${c.subject.replace(/\n/g, ', ')}\nnames ${c.names.join(' ')}\nnot after ${c.notAfter}\n`;
  } catch {
    return undefined;
  }
}

function patch(path: string, before: string, after: string): FileDiff {
  return unifiedDiff(path, before, after);
}

/**
 * Diffs of a plan. Text files are fetched from the host only when asked (`ctx.diff`); secret files
 * show only that they change; certificates show their serial.
 */
export async function planDiffs(conn: Connection, plan: FilePlan, become?: boolean): Promise<FileDiff[]> {
  const out: FileDiff[] = [];
  for (const f of plan.files) {
    const st = plan.before.get(f.path);
    const after = f.content.toString();
    // an unset owner or group stays what the file has: show that, not an empty name
    const was = st?.type === 'file' ? st : undefined;
    const owner = f.owner ?? was?.owner ?? '';
    const group = f.group ?? was?.group ?? '';
    const meta = `mode ${f.mode.toString(8)}${owner || group ? ` owner ${owner}:${group}` : ''}\n`;
    if (f.secret) {
      const a = `(secret content, sha256 ${sha256(f.content).slice(0, 12)}...)\n${meta}`;
      out.push(patch(f.path, describe(f.path, st).replace(/sha256 (\w{12})\w+/, 'sha256 $1...'), a));
      continue;
    }
    let before = '';
    if (st?.type === 'file') before = (await conn.fetch(f.path, { become })).toString();
    const cb = certSummary(before);
    const ca = certSummary(after);
    if (ca !== undefined) out.push(patch(f.path, cb ?? describe(f.path, st), ca + meta));
    else out.push(patch(f.path, before, after));
  }
  for (const l of plan.links)
    out.push(patch(l.path, describe(l.path, plan.before.get(l.path)), `symlink -> ${l.target}\n`));
  return out;
}
