/**
 * `service`: started/stopped/restarted/reloaded and enabled, in one round trip. systemd when the host
 * has it, else SysV `service`, else (hosts without an init system, like the lab's) the web server's
 * own controls: pid file + `kill -0` decide "running", the config is tested before every reload or
 * restart, and nginx/apache reload keep their master pid.
 */
import { ModuleError } from '../errors.js';
import { adapterFor } from '../webservers/adapter.js';
import { checkParams } from './lib/params.js';
import { serviceScript } from './lib/service-script.js';
import type { ModuleDef } from './types.js';

/** Parameters of `service`. */
export interface ServiceParams {
  name: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
}

/** The `service` module. */
export const serviceModule: ModuleDef<ServiceParams> = {
  name: 'service',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9@_.:-]+$' },
      state: { enum: ['started', 'stopped', 'restarted', 'reloaded'] },
      enabled: { type: 'boolean' },
    },
  },
  checkMode: 'full',
  diffMode: 'none',
  async run(ctx) {
    const p = checkParams(serviceModule, ctx);
    if (p.state === undefined && p.enabled === undefined)
      throw new ModuleError('give state, enabled, or both');
    const script = serviceScript({ ...p, check: ctx.check }, adapterFor(p.name));
    // shared: the script's daemon starts redirect their output (see the adapters and ctl)
    const r = await ctx.conn.exec(script, {
      become: ctx.become,
      signal: ctx.signal,
      shared: true,
    });
    const out: Record<string, string> = {};
    const warnings: string[] = [];
    for (const line of r.stdout.split('\n')) {
      const [k, ...v] = line.split('|');
      if (k === 'warn') warnings.push(v.join('|'));
      else if (k) out[k] = v.join('|');
    }
    if (r.code !== 0)
      throw new ModuleError(`service ${p.name}: ${r.stderr.trim() || `exit ${r.code}`}`, { data: out });
    for (const w of warnings) ctx.warn(w);
    const changed = out.changed === 'yes';
    return {
      changed,
      msg: changed
        ? `${p.name} ${ctx.check ? 'would be ' : ''}${p.state ?? (p.enabled ? 'enabled' : 'disabled')}`
        : undefined,
      data: {
        name: p.name,
        state: p.state,
        status: out.status,
        pid: out.pid ? Number(out.pid) : undefined,
        manager: out.manager,
      },
      warnings: warnings.length ? warnings : undefined,
    };
  },
};
