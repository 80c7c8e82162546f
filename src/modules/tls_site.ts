/**
 * `tls_site`: the transactional web-server module the roles use. In one transaction per host it
 * delivers a stored certificate, stages config files (rendered templates), managed blocks inside
 * existing files and symlinks, runs the server's config test, reloads only when something changed,
 * verifies from the control node that the new serial is served, and on any failure restores every
 * file, reloads back and fails the host with the reason (`nginx -t failed: ...; rolled back`).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModuleError } from '../errors.js';
import { defaultCertDir } from '../delivery/cert-files.js';
import { taskStore } from './lib/state.js';
import { setManagedBlock } from '../files/managed-block.js';
import { parseMode } from '../files/mode.js';
import { readRemoteFile } from '../files/read.js';
import type { WantFile } from '../files/write.js';
import { familyOf, serverCommands } from '../webservers/adapter.js';
import type { WebServerKind } from '../webservers/kind.js';
import { runTransaction } from '../delivery/transaction.js';
import { checkParams } from './lib/params.js';
import { hostAddress } from './tls_verify.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';

interface FileParam {
  dest: string;
  template?: string;
  content?: string;
  mode?: string | number;
  owner?: string;
  group?: string;
}
interface BlockParam {
  path: string;
  template?: string;
  content?: string;
  marker?: string;
  insert_before?: string;
}

/** Parameters of tls_site. */
export interface TlsSiteParams {
  server: WebServerKind;
  /** stored certificate to deliver (omit to manage config only) */
  cert?: string;
  /** false: the certificate files are already on the host (mount/pull); only its serial is verified */
  deliver?: boolean;
  cert_dir?: string;
  owner?: string;
  group?: string;
  key_mode?: string | number;
  /** path of HAProxy's combined PEM (full chain + key) */
  combined?: string;
  state_dir?: string;
  files?: FileParam[];
  links?: { path: string; target: string }[];
  blocks?: BlockParam[];
  test_command?: string;
  reload_command?: string;
  /** HAProxy admin socket for hot certificate updates (`false` disables) */
  runtime_socket?: string | false;
  runtime_name?: string;
  /** where to check the served certificate; `enabled: false` or `false` skips the check */
  verify?:
    | boolean
    | {
        enabled?: boolean;
        address?: string;
        port?: number;
        server_name?: string;
        serial?: string;
        wait_ms?: number;
      };
}

const content = { template: { type: 'string' }, content: { type: 'string' } };
const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['server'],
  properties: {
    server: { type: 'string', enum: ['nginx', 'apache', 'haproxy', 'tomcat'] },
    cert: { type: 'string' },
    deliver: { type: 'boolean' },
    cert_dir: { type: 'string', pattern: '^/' },
    owner: { type: 'string' },
    group: { type: 'string' },
    key_mode: { type: ['string', 'integer'] },
    combined: { type: 'string', pattern: '^/' },
    state_dir: { type: 'string' },
    files: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['dest'],
        properties: {
          dest: { type: 'string', pattern: '^/' },
          ...content,
          mode: { type: ['string', 'integer'] },
          owner: { type: 'string' },
          group: { type: 'string' },
        },
      },
    },
    links: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'target'],
        properties: { path: { type: 'string' }, target: { type: 'string' } },
      },
    },
    blocks: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path'],
        properties: {
          path: { type: 'string', pattern: '^/' },
          ...content,
          marker: { type: 'string' },
          insert_before: { type: 'string' },
        },
      },
    },
    test_command: { type: 'string' },
    reload_command: { type: 'string' },
    runtime_socket: { type: ['string', 'boolean'] },
    runtime_name: { type: 'string' },
    // an object, or a boolean (false: no check); one schema, so errors point at the nested key
    verify: {
      type: ['object', 'boolean'],
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        address: { type: 'string' },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        server_name: { type: 'string' },
        serial: { type: 'string' },
        wait_ms: { type: 'integer', minimum: 0 },
      },
    },
  },
};

/** Text of a `template:`/`content:` item: templates are found in the role/playbook template dirs and rendered. */
async function textOf(
  ctx: ModuleContext<TlsSiteParams>,
  item: { template?: string; content?: string },
  what: string,
): Promise<string> {
  if (item.content !== undefined) return item.content;
  if (item.template === undefined) throw new ModuleError(`${what}: give template or content`);
  const dirs = item.template.startsWith('/') ? [''] : ctx.searchPaths.templates;
  for (const d of dirs) {
    let text: string;
    try {
      text = await readFile(d ? join(d, item.template) : item.template, 'utf8');
    } catch {
      continue;
    }
    return ctx.render(text);
  }
  throw new ModuleError(`${what}: template ${item.template} not found in ${dirs.join(', ')}`);
}

async function blockFiles(ctx: ModuleContext<TlsSiteParams>, blocks: BlockParam[]): Promise<WantFile[]> {
  const out: WantFile[] = [];
  for (const b of blocks) {
    const { stat: st, text: before } = await readRemoteFile(ctx.conn, b.path, ctx.become);
    if (st.type !== 'file' || before === undefined)
      throw new ModuleError(
        `${b.path}: the file to patch does not exist (managed blocks only patch existing files)`,
      );
    const text = await textOf(ctx, b, b.path);
    const after = setManagedBlock(
      before,
      { content: text, marker: b.marker, insertBefore: b.insert_before },
      b.path,
    );
    // keep the file's own mode and owner: certfleet only owns the block
    out.push({ path: b.path, content: after, mode: st.mode!, owner: st.owner, group: st.group });
  }
  return out;
}

async function run(ctx: ModuleContext<TlsSiteParams>): Promise<ModuleResult> {
  const p = checkParams(tlsSiteModule, ctx);
  const files: WantFile[] = [];
  for (const f of p.files ?? []) {
    files.push({
      path: f.dest,
      content: await textOf(ctx, f, f.dest),
      mode: parseMode(f.mode, 0o644),
      owner: f.owner,
      group: f.group,
    });
  }
  files.push(...(await blockFiles(ctx, p.blocks ?? [])));
  // the layout follows the host's facts, else what the inventory says it runs
  const family = familyOf(ctx.facts.ansible_os_family ?? ctx.vars.ansible_os_family);
  const dflt = serverCommands(p.server, family);
  const commands = {
    testLabel: p.test_command ?? dflt.testLabel,
    test: p.test_command ?? dflt.test,
    reload: p.reload_command ?? dflt.reload,
  };
  let cert;
  if (p.cert !== undefined) {
    const stored = await taskStore(p.state_dir, ctx).certs.readLive(p.cert);
    const layout = {
      dir: (p.cert_dir ?? defaultCertDir(p.cert)).replace(/\/+$/, ''),
      owner: p.owner,
      group: p.group,
      keyMode: parseMode(p.key_mode, 0o600, 'key_mode'),
      combinedPath: p.combined,
    };
    cert = { stored, layout };
  }
  const deliver = p.deliver !== false;
  const v =
    p.verify === false || (typeof p.verify === 'object' && p.verify.enabled === false)
      ? undefined
      : typeof p.verify === 'object'
        ? p.verify
        : {};
  // empty strings come from role defaults meaning "not set"
  const verify = v && {
    address: v.address || hostAddress(ctx.vars, ctx.host),
    port: v.port ?? 443,
    servername: v.server_name || undefined,
    serial: v.serial,
    waitMs: v.wait_ms,
  };
  const runtimeSocket =
    p.server === 'haproxy' && p.runtime_socket !== false
      ? typeof p.runtime_socket === 'string' && p.runtime_socket !== ''
        ? p.runtime_socket
        : '/run/haproxy/admin.sock'
      : undefined;
  return runTransaction(
    {
      kind: p.server,
      commands,
      cert,
      files,
      links: p.links ?? [],
      verify,
      runtimeSocket,
      runtimeName: p.runtime_name,
      reloadIfStale: !deliver,
    },
    { conn: ctx.conn, become: ctx.become, check: ctx.check, diff: ctx.diff },
  );
}

/** The module definition. */
export const tlsSiteModule: ModuleDef<TlsSiteParams> = {
  name: 'tls_site',
  schema,
  checkMode: 'full',
  diffMode: 'full',
  run,
};
