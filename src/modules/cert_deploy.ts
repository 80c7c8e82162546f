/**
 * `cert_deploy`: deliver a certificate from the control node's store to hosts.
 *
 * - `method: copy` (default): sha256 of every file compared in one round trip, only differing files
 *   sent, each written to a temp name with its mode/owner and renamed; previous set kept in `.prev/`.
 * - `method: mount`: the store's live directory is mounted read-only on the host (an `/etc/fstab`
 *   entry + `mount`, idempotent): NFS from the control node, or a bind mount when the host shares
 *   the control node's filesystem (the lab, a container host).
 * - `method: pull`: the files go to a drop directory owned by an unprivileged deploy user; a small
 *   script run by cron/systemd on the host checks and moves them into place (no root on the wire).
 *
 * Result data: the paths, `serial`, `previous_serial`, `serial_changed`, `changed_files`.
 */
import { checkParams } from './lib/params.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { taskStore } from './lib/state.js';
import { defaultCertDir } from '../delivery/cert-files.js';
import type { CertLayout } from '../delivery/cert-files.js';
import { applyCertDelivery, deliveryData, planCertDelivery } from '../delivery/deploy-copy.js';
import { parseMode } from '../files/mode.js';
import { deployByMount } from '../delivery/deploy-mount.js';
import { deployByPull, type PullOptions } from '../delivery/deploy-pull.js';

/** Parameters of cert_deploy (the pull mode's own options are delivery's PullOptions). */
export interface CertDeployParams extends PullOptions {
  /** name of the certificate in the store */
  name: string;
  method?: 'copy' | 'mount' | 'pull';
  owner?: string;
  key_mode?: string | number;
  cert_mode?: string | number;
  state_dir?: string;
  /** mount: `bind` (shared filesystem) or `nfs` */
  mount_type?: 'bind' | 'nfs';
  /** mount (nfs): `server:/export/path` of the certificate directory (`<state_dir>/certs/NAME`) */
  nfs_source?: string;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1 },
    dest: { type: 'string', pattern: '^/' },
    method: { type: 'string', enum: ['copy', 'mount', 'pull'] },
    owner: { type: 'string' },
    group: { type: 'string' },
    key_mode: { type: ['string', 'integer'] },
    cert_mode: { type: ['string', 'integer'] },
    combined: { type: ['boolean', 'string'] },
    state_dir: { type: 'string' },
    mount_type: { type: 'string', enum: ['bind', 'nfs'] },
    nfs_source: { type: 'string' },
    drop_dir: { type: 'string', pattern: '^/' },
    reload_command: { type: 'string' },
    scheduler: { type: 'string', enum: ['cron', 'systemd'] },
    pull_install: { type: 'boolean' },
    deploy_user: { type: 'string' },
    script_path: { type: 'string', pattern: '^/' },
    pull_now: { type: 'boolean' },
  },
};

/** The host layout from the parameters. */
export function layoutOf(p: CertDeployParams): CertLayout {
  const dir = (p.dest ?? defaultCertDir(p.name)).replace(/\/+$/, '');
  let combinedPath: string | undefined;
  if (p.combined === true) combinedPath = `${dir}/combined.pem`;
  else if (typeof p.combined === 'string' && p.combined !== '') combinedPath = p.combined;
  return {
    dir,
    owner: p.owner,
    group: p.group,
    keyMode: parseMode(p.key_mode, 0o600, 'key_mode'),
    certMode: parseMode(p.cert_mode, 0o644, 'cert_mode'),
    combinedPath,
  };
}

async function run(ctx: ModuleContext<CertDeployParams>): Promise<ModuleResult> {
  const p = checkParams(certDeployModule, ctx);
  const cert = await taskStore(p.state_dir, ctx).certs.readLive(p.name);
  const method = p.method ?? 'copy';
  if (method === 'mount')
    return deployByMount(ctx, cert, { type: p.mount_type, dest: p.dest, nfsSource: p.nfs_source });
  if (method === 'pull') return deployByPull(ctx, cert, p);
  const d = await planCertDelivery(ctx.conn, cert, layoutOf(p), { become: ctx.become, diff: ctx.diff });
  if (d.changed && !ctx.check) await applyCertDelivery(ctx.conn, d, { become: ctx.become });
  return {
    changed: d.changed,
    msg: d.changed
      ? `${d.serialChanged ? `serial ${d.previousSerial ?? '(none)'} -> ${d.serial}` : 'files updated'} in ${d.paths.dir}`
      : `serial ${d.serial} already in ${d.paths.dir}`,
    diff: d.diff.length ? d.diff : undefined,
    data: deliveryData(d),
  };
}

/** The module definition. */
export const certDeployModule: ModuleDef<CertDeployParams> = {
  name: 'cert_deploy',
  schema,
  checkMode: 'full',
  diffMode: 'full',
  run,
};
