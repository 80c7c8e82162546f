/**
 * `tls_verify`: from the control node, complete a TLS handshake with SNI to a host's address:port and
 * check the served certificate: its serial (given, or the stored certificate's), optionally its chain
 * and name against a CA bundle. Fails the host with what was served instead. Never changes anything.
 */
import { readFile } from 'node:fs/promises';
import { ModuleError } from '../errors.js';
import { checkParams } from './lib/params.js';
import { normalizeSerial } from '../store/cert-pem.js';
import { taskStore } from './lib/state.js';
import { waitForSerial, probeTls } from '../delivery/tls-probe.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';

/** Parameters of tls_verify. */
export interface TlsVerifyParams {
  /** address to connect to (default: the host's `ansible_host`, else its name) */
  address?: string;
  port?: number;
  /** SNI name (default: none when `address` is an IP) */
  server_name?: string;
  /** expected serial (hex, colons allowed) */
  serial?: string;
  /** name of a stored certificate whose serial is expected */
  cert?: string;
  state_dir?: string;
  /** CA bundle (PEM file on the control node) the chain must verify against */
  ca_file?: string;
  /** keep probing this long for the expected serial (reloads finish asynchronously) */
  wait_ms?: number;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    address: { type: 'string' },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    server_name: { type: 'string' },
    serial: { type: 'string' },
    cert: { type: 'string' },
    state_dir: { type: 'string' },
    ca_file: { type: 'string' },
    wait_ms: { type: 'integer', minimum: 0 },
  },
};

/** The address a host is reached at: `ansible_host` when set, else its inventory name. */
export function hostAddress(vars: Record<string, unknown>, host: string): string {
  return typeof vars.ansible_host === 'string' && vars.ansible_host !== '' ? vars.ansible_host : host;
}

async function run(ctx: ModuleContext<TlsVerifyParams>): Promise<ModuleResult> {
  const p = checkParams(tlsVerifyModule, ctx);
  // empty strings (role defaults, `default x ""`) mean "not set"
  const address = p.address || hostAddress(ctx.vars, ctx.host);
  const port = p.port ?? 443;
  let expected = p.serial ? normalizeSerial(p.serial) : undefined;
  if (p.cert) {
    expected = (await taskStore(p.state_dir, ctx).certs.readLive(p.cert)).serial;
  }
  const ca = p.ca_file ? await readFile(p.ca_file, 'utf8') : undefined;
  const target = { address, port, servername: p.server_name || undefined, ca };
  const where = `${address}:${port}${target.servername ? ` (SNI ${target.servername})` : ''}`;
  let seen;
  let pending: string | undefined;
  if (expected !== undefined) {
    // check mode predicts deliveries without making them: the expected serial cannot be served yet,
    // so look once and report the difference instead of failing on a change that was never made
    const r = await waitForSerial(target, expected, ctx.check ? 0 : (p.wait_ms ?? 3000));
    if (!r.seen) throw new ModuleError(`TLS handshake with ${where} failed: ${r.error ?? 'no answer'}`);
    if (!r.ok && !ctx.check)
      throw new ModuleError(`${where} serves serial ${r.seen.serial}, expected ${expected}`, {
        data: { ...r.seen },
      });
    if (!r.ok) {
      pending = expected;
      ctx.warn(
        `${ctx.host}: ${where} serves serial ${r.seen.serial}; serial ${expected} is not delivered yet (check mode: the run would deliver it)`,
      );
    }
    seen = r.seen;
  } else {
    try {
      seen = await probeTls(target);
    } catch (err) {
      throw new ModuleError(`TLS handshake with ${where} failed: ${(err as Error).message}`, { cause: err });
    }
  }
  if (ca !== undefined && !seen.authorized) {
    throw new ModuleError(
      `${where}: certificate does not verify against ${p.ca_file}: ${seen.authorizationError}`,
      {
        data: { ...seen },
      },
    );
  }
  return {
    changed: false,
    msg:
      `${where} serves serial ${seen.serial} (${seen.subject}, until ${seen.notAfter})` +
      (pending ? `; serial ${pending} is not delivered yet (check mode: the run would deliver it)` : ''),
    data: { ...seen, ...(pending ? { pending_serial: pending } : {}) },
  };
}

/** The module definition (runs on the control node). */
export const tlsVerifyModule: ModuleDef<TlsVerifyParams> = {
  name: 'tls_verify',
  schema,
  checkMode: 'full',
  diffMode: 'none',
  controlNode: true,
  run,
};
