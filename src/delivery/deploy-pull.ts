/**
 * `pull` delivery (ssl-sync style): the control node connects as an unprivileged deploy user and only
 * writes the certificate files plus a sha256 MANIFEST (last) into a drop directory that user owns.
 * `certfleet-pull`, run as root by cron or a systemd timer on the host, checks the MANIFEST, moves the
 * files into place with the right modes, keeps the previous set in `.prev/` and runs the reload
 * command. Nothing on the wire needs root once `pull_install` has set the host up.
 * Idempotent: the script leaves the manifest of what it installed as `.deployed`; a push whose
 * manifest equals `.deployed` (or the pending MANIFEST) sends nothing.
 */
import { readFile } from 'node:fs/promises';
import { shellQuote } from '../connections/connection.js';
import { ModuleError } from '../errors.js';
import { codeAsset } from '../paths.js';
import type { DeliveryOutcome, HostTarget } from './types.js';
import { unifiedDiff } from '../output/diff.js';
import { certPaths, defaultCertDir } from './cert-files.js';
import type { StoredCert } from '../store/types.js';
import { combinedPem } from '../store/cert-pem.js';
import { runScript, sha256 } from '../files/script.js';
import { writeFiles, type WantFile } from '../files/write.js';
import { planFiles, planIsEmpty } from './plan.js';

/** Default install path of the pull script. */
export const PULL_SCRIPT = '/usr/local/sbin/certfleet-pull';

/** The pull script's text (shipped beside this module). */
export async function pullScriptText(): Promise<string> {
  return readFile(codeAsset('delivery', 'certfleet-pull.sh'), 'utf8');
}

function manifest(files: { name: string; content: string }[]): string {
  return files.map((f) => `${sha256(f.content)}  ${f.name}\n`).join('');
}

/** The schedule files for a certificate: a cron.d entry or a systemd service + timer. */
export function scheduleFiles(kind: 'cron' | 'systemd', name: string, command: string): WantFile[] {
  if (kind === 'cron') {
    return [
      {
        path: `/etc/cron.d/certfleet-pull-${name}`,
        content: `# certfleet: pick up pushed certificate ${name}\n*/5 * * * * root ${command}\n`,
        mode: 0o644,
      },
    ];
  }
  const unit = `certfleet-pull-${name}`;
  return [
    {
      path: `/etc/systemd/system/${unit}.service`,
      content: `[Unit]\nDescription=certfleet: install pushed certificate ${name}\n\n[Service]\nType=oneshot\nExecStart=${command}\n`,
      mode: 0o644,
    },
    {
      path: `/etc/systemd/system/${unit}.timer`,
      content: `[Unit]\nDescription=certfleet: pick up pushed certificate ${name}\n\n[Timer]\nOnBootSec=1min\nOnUnitActiveSec=5min\n\n[Install]\nWantedBy=timers.target\n`,
      mode: 0o644,
    },
  ];
}

/** How the node-side pull is set up and run (cert_deploy `method: pull`). */
export interface PullOptions {
  /** final directory on the host (default /etc/ssl/certfleet/NAME) */
  dest?: string;
  /** drop directory writable by the deploy user (default /var/lib/certfleet/drop/NAME) */
  drop_dir?: string;
  /** group the pull script gives the private key */
  group?: string;
  /** command the pull script runs after moving new files in */
  reload_command?: string;
  scheduler?: 'cron' | 'systemd';
  /** install the script and the schedule (needs become), or only push to the drop dir */
  pull_install?: boolean;
  deploy_user?: string;
  script_path?: string;
  /** run the pull script right after pushing */
  pull_now?: boolean;
  /** also push HAProxy's combined PEM */
  combined?: boolean | string;
}

async function install(
  ctx: HostTarget,
  p: PullOptions,
  name: string,
  drop: string,
  dest: string,
): Promise<boolean> {
  if (!p.deploy_user)
    throw new ModuleError('cert_deploy: pull_install needs deploy_user (the unprivileged user that pushes)');
  const script = p.script_path ?? PULL_SCRIPT;
  const args = [script, ...(p.group ? ['-g', p.group] : []), drop, dest].map(shellQuote).join(' ');
  const command = p.reload_command ? `${args} ${shellQuote(p.reload_command)}` : args;
  const kind = p.scheduler ?? 'cron';
  const files = [
    { path: script, content: await pullScriptText(), mode: 0o755 },
    ...scheduleFiles(kind, name, command),
  ];
  const plan = await planFiles(ctx.conn, files, [], ctx.become);
  const own = await ctx.conn.exec(`stat -c %U ${shellQuote(drop)}`, { become: ctx.become });
  const dropOk = own.code === 0 && own.stdout.trim() === p.deploy_user;
  if (planIsEmpty(plan) && dropOk) return false;
  if (ctx.check) return true;
  const post = [
    `(umask 022; mkdir -p -- ${shellQuote(drop)})`,
    `chown ${shellQuote(p.deploy_user)} ${shellQuote(drop)}`,
    `chmod 700 ${shellQuote(drop)}`,
  ];
  // systemd: enable the timer only where systemd runs (containers and the lab have none)
  if (kind === 'systemd')
    post.push(
      `if [ -d /run/systemd/system ]; then systemctl daemon-reload && systemctl enable --now certfleet-pull-${name}.timer; fi`,
    );
  await writeFiles(ctx.conn, { files: plan.files, post }, { become: ctx.become });
  return true;
}

/** Push `cert` to the drop directory (and set the host up when `pull_install`). */
export async function deployByPull(
  ctx: HostTarget,
  cert: StoredCert,
  p: PullOptions,
): Promise<DeliveryOutcome> {
  const dest = (p.dest ?? defaultCertDir(cert.name)).replace(/\/+$/, '');
  const drop = (p.drop_dir ?? `/var/lib/certfleet/drop/${cert.name}`).replace(/\/+$/, '');
  const installed = p.pull_install ? await install(ctx, p, cert.name, drop, dest) : false;
  const files = [
    { name: 'cert.pem', content: cert.cert },
    { name: 'chain.pem', content: cert.chain },
    { name: 'fullchain.pem', content: cert.fullchain },
    { name: 'privkey.pem', content: cert.privkey },
    ...(p.combined ? [{ name: 'combined.pem', content: combinedPem(cert) }] : []),
  ];
  const want = manifest(files);
  // the push itself runs without become: the deploy user owns the drop directory
  const r = await ctx.conn.exec(
    `cat ${shellQuote(`${drop}/MANIFEST`)} 2>/dev/null || cat ${shellQuote(`${drop}/.deployed`)} 2>/dev/null; true`,
  );
  const pending = r.stdout;
  const pushed = pending.trim() !== want.trim();
  const diff = ctx.diff && pushed ? [unifiedDiff(`${drop}/MANIFEST`, pending, want)] : undefined;
  if (pushed && !ctx.check) {
    // the MANIFEST goes last: the pull script ignores a drop directory without it
    const wantFiles: WantFile[] = files.map((f) => ({
      path: `${drop}/${f.name}`,
      content: f.content,
      mode: 0o600,
      secret: true,
    }));
    await writeFiles(ctx.conn, { files: wantFiles, pre: [`rm -f -- ${shellQuote(`${drop}/MANIFEST`)}`] });
    await writeFiles(ctx.conn, { files: [{ path: `${drop}/MANIFEST`, content: want, mode: 0o644 }] });
  }
  if (p.pull_now && pushed && !ctx.check) {
    const script = p.script_path ?? PULL_SCRIPT;
    const cmd = [script, ...(p.group ? ['-g', p.group] : []), drop, dest].map(shellQuote);
    await runScript(
      ctx.conn,
      'running certfleet-pull',
      `${cmd.join(' ')}${p.reload_command ? ` ${shellQuote(p.reload_command)}` : ''}\n`,
      { become: ctx.become },
    );
  }
  const changed = installed || pushed;
  return {
    changed,
    msg: pushed
      ? `pushed serial ${cert.serial} to ${drop} for certfleet-pull`
      : `serial ${cert.serial} already pushed`,
    diff,
    data: {
      ...certPaths({ dir: dest, combinedPath: p.combined ? `${dest}/combined.pem` : undefined }),
      drop_dir: drop,
      serial: cert.serial,
      pushed,
      installed,
    },
  };
}
