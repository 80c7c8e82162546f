/**
 * `copy` delivery of a stored certificate: one round trip compares the sha256 of every file on the
 * host, only differing files are sent (temp name, mode and owner set, then rename), and the previous
 * set is kept in `DIR/.prev/`. Shared by `cert_deploy` and the `tls_site` transaction.
 */
import type { Connection } from '../connections/connection.js';
import type { FileDiff } from '../output/diff.js';
import type { CertLayout, CertPaths } from './cert-files.js';
import { certFiles, certPaths, prevSnapshotLines } from './cert-files.js';
import type { StoredCert } from '../store/types.js';
import { describeCert } from '../store/cert-pem.js';
import type { FilePlan } from './plan.js';
import { planDiffs, planFiles, planIsEmpty } from './plan.js';
import { writeFiles } from '../files/write.js';

/** What a certificate delivery did (or would do in check mode). */
export interface CertDelivery {
  changed: boolean;
  paths: CertPaths;
  serial: string;
  /** serial of the certificate that was on the host, when there was one and it differed */
  previousSerial?: string;
  serialChanged: boolean;
  changedFiles: string[];
  diff: FileDiff[];
  plan: FilePlan;
}

/** Plan a delivery: compare with the host, compute diffs when asked. Writes nothing. */
export async function planCertDelivery(
  conn: Connection,
  cert: StoredCert,
  layout: CertLayout,
  opts: { become?: boolean; diff?: boolean; plan?: FilePlan },
): Promise<CertDelivery> {
  const paths = certPaths(layout);
  // a caller that inspected these files together with others passes its plan (one round trip)
  const plan = opts.plan ?? (await planFiles(conn, certFiles(cert, layout), [], opts.become));
  const certChanges = plan.files.some((f) => f.path === paths.cert);
  let previousSerial: string | undefined;
  if (certChanges && plan.before.get(paths.cert)?.type === 'file') {
    try {
      previousSerial = describeCert(
        (await conn.fetch(paths.cert, { become: opts.become })).toString(),
      ).serial;
    } catch {
      previousSerial = undefined; // not a certificate: nothing to compare with
    }
  }
  return {
    changed: !planIsEmpty(plan),
    paths,
    serial: cert.serial,
    previousSerial,
    serialChanged: certChanges && previousSerial !== cert.serial,
    changedFiles: plan.files.map((f) => f.path),
    diff: opts.diff ? await planDiffs(conn, plan, opts.become) : [],
    plan,
  };
}

/**
 * Carry out a planned delivery. `backupDir` additionally saves every replaced file for a
 * transaction rollback (see `restoreBackup`).
 */
export async function applyCertDelivery(
  conn: Connection,
  d: CertDelivery,
  opts: { become?: boolean; backupDir?: string; keepPrev?: boolean },
): Promise<void> {
  if (!d.changed) return;
  await writeFiles(
    conn,
    {
      files: d.plan.files,
      backupDir: opts.backupDir,
      // writeFiles creates the directory before `pre` runs
      pre: opts.keepPrev === false ? [] : prevSnapshotLines(d.paths),
    },
    { become: opts.become },
  );
}

/** The result data exposed to `register`. */
export function deliveryData(d: CertDelivery): Record<string, unknown> {
  return {
    ...d.paths,
    serial: d.serial,
    previous_serial: d.previousSerial ?? null,
    serial_changed: d.serialChanged,
    changed_files: d.changedFiles,
  };
}
