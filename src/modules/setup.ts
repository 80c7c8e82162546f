/**
 * `setup`: gather facts in ONE round trip (a script on stdin): distribution, family and version,
 * hostname, init system, and for each web server whether it is installed and running, its version,
 * main config and the certificates its configs name.
 */
import { ModuleError } from '../errors.js';
import { factsScript, parseFacts } from './lib/facts.js';
import { checkParams } from './lib/params.js';
import type { ModuleDef } from './types.js';

/** Parameters of `setup` (`gather_subset` is accepted for Ansible playbooks and ignored). */
export interface SetupParams {
  filter?: string | string[];
  gather_subset?: string | string[];
}

/** The `setup` module. */
export const setupModule: ModuleDef<SetupParams> = {
  name: 'setup',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      filter: { type: ['string', 'array'], items: { type: 'string' } },
      gather_subset: { type: ['string', 'array'], items: { type: 'string' } },
    },
  },
  checkMode: 'full',
  diffMode: 'none',
  async run(ctx) {
    const p = checkParams(setupModule, ctx);
    const r = await ctx.conn.exec('sh -s', { stdin: factsScript(), shared: true });
    if (r.code !== 0) throw new ModuleError(`gathering facts failed: ${r.stderr.trim() || `exit ${r.code}`}`);
    const facts: Record<string, unknown> = { ...parseFacts(r.stdout) };
    const filters = p.filter === undefined ? undefined : ([] as string[]).concat(p.filter);
    const globs = filters?.map(
      (f) =>
        new RegExp(
          `^${f
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}$`,
        ),
    );
    const keep = (k: string) => !globs || globs.some((g) => g.test(k) || g.test(`ansible_${k}`));
    const selected = Object.fromEntries(Object.entries(facts).filter(([k]) => keep(k)));
    const topLevel = Object.fromEntries(
      Object.entries(selected).map(([k, v]) => [k.startsWith('certfleet_') ? k : `ansible_${k}`, v]),
    );
    return { changed: false, data: { ansible_facts: selected, ...topLevel } };
  },
};
