/**
 * The per-host TLS transaction: stage certificate + config files → config test → reload (only when
 * something changed) → verify by a TLS handshake from the control node that the expected serial is
 * served → on ANY failure put every file back as it was, reload back, and fail the host with the
 * reason (`nginx -t failed: ...; rolled back`). HAProxy certificate-only changes go through the
 * runtime API instead of a reload when the admin socket is there (same PID, new certificate).
 */
import type { Connection } from '../connections/connection.js';
import { ConnectionError, ModuleError } from '../errors.js';
import type { FileDiff } from '../output/diff.js';
import type { DeliveryOutcome } from './types.js';
import { redact } from '../output/redact.js';
import type { CertLayout } from './cert-files.js';
import type { StoredCert } from '../store/types.js';
import type { CertDelivery } from './deploy-copy.js';
import { deliveryData, planCertDelivery } from './deploy-copy.js';
import { certFiles as certFileSet, prevSnapshotLines } from './cert-files.js';
import { hotUpdateCert, runtimeApiAvailable } from './haproxy-runtime.js';
import type { FilePlan } from './plan.js';
import { planDiffs, planFiles, planIsEmpty } from './plan.js';
import { backupLines, dropBackup, newBackupDir, restoreBackup } from '../files/backup.js';
import { writeFiles, type WantFile, type WantLink } from '../files/write.js';
import type { ServerCommands } from '../webservers/adapter.js';
import type { WebServerKind } from '../webservers/kind.js';
import type { ProbeTarget } from './tls-probe.js';
import { waitForSerial } from './tls-probe.js';

/** Everything one transaction needs. */
export interface TxnSpec {
  kind: WebServerKind;
  commands: ServerCommands;
  cert?: { stored: StoredCert; layout: CertLayout };
  files: WantFile[];
  links: WantLink[];
  /** where to check the served certificate; omitted → no verification */
  verify?: ProbeTarget & { waitMs?: number; serial?: string };
  /** HAProxy admin socket for hot certificate updates */
  runtimeSocket?: string;
  /** name HAProxy knows the combined PEM by (default its path) */
  runtimeName?: string;
  /**
   * the certificate files change on the host without us (mounted store, pull script): when nothing
   * here changed but an old serial is served, test + reload to pick the new files up
   */
  reloadIfStale?: boolean;
}

/** What the module reports; also given for failures as ModuleError data. */
interface TxnOptions {
  conn: Connection;
  become: boolean;
  check: boolean;
  diff: boolean;
}

async function sh(o: TxnOptions, cmd: string): Promise<{ ok: boolean; out: string }> {
  const r = await o.conn.exec(cmd, { become: o.become });
  // the server's own last lines joined into one: a failed host is one line of output, whatever it printed
  const out = redact(`${r.stdout}\n${r.stderr}`)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-6)
    .join(' | ');
  return { ok: r.code === 0, out };
}

/** Why the expected serial is not served (undefined when it is); `stale`: another certificate is served. */
async function checkServed(
  spec: TxnSpec,
  serial: string | undefined,
): Promise<{ why: string; stale: boolean } | undefined> {
  if (!spec.verify || serial === undefined) return undefined;
  const r = await waitForSerial(spec.verify, serial, spec.verify.waitMs ?? 5000);
  if (r.ok) return undefined;
  const where = `${spec.verify.address}:${spec.verify.port}`;
  return r.seen
    ? { why: `${where} serves serial ${r.seen.serial}, expected ${serial}`, stale: true }
    : { why: `TLS handshake with ${where} failed: ${r.error}`, stale: false };
}

async function verifyServed(spec: TxnSpec, serial: string | undefined): Promise<string | undefined> {
  return (await checkServed(spec, serial))?.why;
}

/** What must change on the host, decided in one inspect round trip. */
interface TxnPlan {
  delivery?: CertDelivery;
  /** the config files and links (not the certificate's) that differ */
  config: FilePlan;
  diff: FileDiff[];
  changed: boolean;
  /** the serial the host must serve afterwards */
  serial?: string;
  /** exposed to `register`, also on failure */
  data: Record<string, unknown>;
}

async function planTransaction(spec: TxnSpec, o: TxnOptions): Promise<TxnPlan> {
  // one inspect round trip for the certificate files and the config files together
  const certWant = spec.cert ? certFileSet(spec.cert.stored, spec.cert.layout) : [];
  const all = await planFiles(o.conn, [...certWant, ...spec.files], spec.links, o.become);
  const isCert = new Set(certWant.map((f) => f.path));
  const config: FilePlan = {
    files: all.files.filter((f) => !isCert.has(f.path)),
    links: all.links,
    before: all.before,
  };
  const delivery = spec.cert
    ? await planCertDelivery(o.conn, spec.cert.stored, spec.cert.layout, {
        become: o.become,
        diff: o.diff,
        plan: { files: all.files.filter((f) => isCert.has(f.path)), links: [], before: all.before },
      })
    : undefined;
  const diff = [...(delivery?.diff ?? []), ...(o.diff ? await planDiffs(o.conn, config, o.become) : [])];
  const data: Record<string, unknown> = {
    ...(delivery ? deliveryData(delivery) : {}),
    config_changed: config.files.map((f) => f.path).concat(config.links.map((l) => l.path)),
    reloaded: false,
    hot_updated: false,
    rolled_back: false,
  };
  const changed = (delivery?.changed ?? false) || !planIsEmpty(config);
  return { delivery, config, diff, changed, serial: spec.verify?.serial ?? delivery?.serial, data };
}

function outcome(plan: TxnPlan, msg: string): DeliveryOutcome {
  return { changed: plan.changed, msg, diff: plan.diff.length ? plan.diff : undefined, data: plan.data };
}

/**
 * Nothing to write, but an older certificate is served: a run was stopped (killed, cut off) between
 * writing the files and the reload — finish its job, or every later run fails here too. Nothing of
 * ours to roll back: the files on the host are what they are.
 */
async function finishStaleReload(spec: TxnSpec, o: TxnOptions, plan: TxnPlan): Promise<DeliveryOutcome> {
  const { data, serial } = plan;
  const bad = await checkServed(spec, serial);
  if (!bad) return outcome(plan, serial ? `serving serial ${serial}` : 'up to date');
  if (!spec.reloadIfStale && !bad.stale)
    throw new ModuleError(`verification failed: ${bad.why} (no change was made)`, { data });
  const t = await sh(o, spec.commands.test);
  if (!t.ok) throw new ModuleError(`${spec.commands.testLabel} failed: ${t.out}`, { data });
  const r = await sh(o, spec.commands.reload);
  if (!r.ok) throw new ModuleError(`reload failed: ${r.out}`, { data });
  data.reloaded = true;
  const still = await verifyServed(spec, serial);
  if (still) throw new ModuleError(`verification failed after reload: ${still}`, { data });
  return { ...outcome(plan, `reloaded to serve serial ${serial}`), changed: true };
}

/** Whether only HAProxy's combined PEM changes and its runtime API answers (a hot update, same PID). */
async function hotUpdatePossible(
  spec: TxnSpec,
  o: TxnOptions,
  plan: TxnPlan,
): Promise<{ hot: boolean; warnings?: string[] }> {
  const combined = spec.cert?.layout.combinedPath;
  const wanted =
    spec.kind === 'haproxy' &&
    spec.runtimeSocket !== undefined &&
    planIsEmpty(plan.config) &&
    combined !== undefined &&
    plan.delivery !== undefined &&
    plan.delivery.plan.files.some((f) => f.path === combined);
  if (!wanted) return { hot: false };
  if (await runtimeApiAvailable(o.conn, spec.runtimeSocket!, o.become)) return { hot: true };
  // a hot update was possible but the socket is missing or refuses: say why HAProxy got a new process
  return {
    hot: false,
    warnings: [
      `${o.conn.host}: HAProxy runtime API at ${spec.runtimeSocket} does not answer; ` +
        'certificate updated by a reload instead of a hot update',
    ],
  };
}

/** Put every file back as it was and reload back when the server already took the new ones. */
async function rollback(
  spec: TxnSpec,
  o: TxnOptions,
  plan: TxnPlan,
  backupDir: string,
  reason: string,
): Promise<never> {
  const { data } = plan;
  data.rolled_back = true;
  let how = 'rolled back';
  try {
    await restoreBackup(o.conn, backupDir, o.become);
    if (data.reloaded || data.hot_updated) {
      const t = await sh(o, spec.commands.test);
      const r = t.ok ? await sh(o, spec.commands.reload) : t;
      if (!r.ok) how = `rolled back, but reloading the previous config failed: ${r.out}`;
    }
  } catch (err) {
    if (err instanceof ConnectionError) throw err;
    how = `ROLLBACK FAILED: ${(err as Error).message}`;
  }
  throw new ModuleError(`${reason}; ${how}`, { data });
}

/** Make the server use the staged files: a runtime-API hot update, or config test + reload. Why not, or undefined. */
async function activate(
  spec: TxnSpec,
  o: TxnOptions,
  plan: TxnPlan,
  hot: boolean,
): Promise<string | undefined> {
  const combined = spec.cert?.layout.combinedPath;
  if (hot && combined) {
    const f = plan.delivery!.plan.files.find((x) => x.path === combined)!;
    try {
      await hotUpdateCert(o.conn, {
        socket: spec.runtimeSocket!,
        certPath: combined,
        runtimeName: spec.runtimeName,
        content: f.content.toString(),
        mode: f.mode,
        owner: f.owner,
        group: f.group,
        become: o.become,
      });
      plan.data.hot_updated = true;
      return undefined;
    } catch (err) {
      if (err instanceof ConnectionError) throw err;
      return (err as Error).message;
    }
  }
  const t = await sh(o, spec.commands.test);
  if (!t.ok) return `${spec.commands.testLabel} failed: ${t.out}`;
  const r = await sh(o, spec.commands.reload);
  plan.data.reloaded = true;
  return r.ok ? undefined : `reload failed: ${r.out}`;
}

/** Run the transaction on one host and return the outcome (throws ModuleError on failure). */
export async function runTransaction(spec: TxnSpec, o: TxnOptions): Promise<DeliveryOutcome> {
  const plan = await planTransaction(spec, o);
  if (o.check) return outcome(plan, plan.changed ? 'would update and reload' : 'up to date');
  if (!plan.changed) return finishStaleReload(spec, o, plan);

  const { hot, warnings } = await hotUpdatePossible(spec, o, plan);
  const backupDir = newBackupDir();
  const combined = spec.cert?.layout.combinedPath;
  const certFiles = plan.delivery?.plan.files ?? [];
  // the hot update renames the combined PEM itself: save it now so a rollback restores it too
  const pre = plan.delivery?.changed ? prevSnapshotLines(plan.delivery.paths) : [];
  if (hot && combined) pre.push(...backupLines(combined, 'hot', backupDir));
  const writeNow = hot ? certFiles.filter((f) => f.path !== combined) : certFiles;
  await writeFiles(
    o.conn,
    { files: [...writeNow, ...plan.config.files], links: plan.config.links, backupDir, pre },
    { become: o.become },
  );
  const failed = await activate(spec, o, plan, hot);
  if (failed) return rollback(spec, o, plan, backupDir, failed);
  const bad = await verifyServed(spec, plan.serial);
  if (bad) return rollback(spec, o, plan, backupDir, `verification failed: ${bad}`);
  await dropBackup(o.conn, backupDir, o.become);
  const what = plan.data.hot_updated ? 'hot-updated through the runtime API' : 'reloaded';
  return { ...outcome(plan, `${what}${plan.serial ? `; serving serial ${plan.serial}` : ''}`), warnings };
}
