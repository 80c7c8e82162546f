/**
 * Ansible's variable precedence for inventory variables (VariableManager.get_vars with the default
 * VARIABLE_PRECEDENCE), lowest first:
 *   1. `all` from inventory files, then every other group of the host from inventory files,
 *      ordered by depth, then `ansible_group_priority`, then name (a child beats its parent);
 *   2. group_vars/all of each source, then group_vars/ of the host's groups: source by source,
 *      each in the same group order (so any group_vars/ file beats any inventory-file group var);
 *   3. the host's inventory-file vars, then host_vars/ of each source.
 * Merging replaces whole top-level values (hash_behaviour=replace).
 */
import type { Inventory, InventoryGroup, InventoryHost } from './types.js';
import type { InventoryBuilder } from './builder.js';
import type { BaseVars } from './vars-dirs.js';
import { registerSecret } from '../output/redact.js';

/**
 * Variables whose values are secrets (connection and become passwords, API secrets and tokens kept
 * in group_vars, DNS provider credentials such as OVH's consumer key and AWS's secret access key):
 * registered so that no output (--list, logs, errors) ever shows them.
 */
const SECRET_VAR =
  /(?:^|_)(?:password|passwd|pass|passphrase|secret|token|api_key|private_key|consumer_key|secret_access_key|hmac_key)$/i;

/**
 * Register the secret-named string values of `vars`, also inside nested mappings and lists: the
 * `acme_dns:` block of an inventory holds `tsig_secret` one level down. Depth-bounded like
 * config/secret-file.ts (a pathological nesting must not cost a stack overflow).
 */
function registerSecrets(vars: Vars, depth = 0): void {
  if (depth > 32) return;
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v === 'string') {
      if (SECRET_VAR.test(k)) registerSecret(v);
    } else if (v && typeof v === 'object') registerSecrets(v as Vars, depth + 1);
  }
}

type Vars = Record<string, unknown>;

/** Turn a loaded builder plus the vars directories into the read-only Inventory. */
export function buildInventory(b: InventoryBuilder, files: BaseVars[]): Inventory {
  const depth = b.depths();
  const priority = (g: string) => b.groups.get(g)?.priority ?? 1;
  const order = (a: string, c: string) =>
    depth.get(a)! - depth.get(c)! || priority(a) - priority(c) || (a < c ? -1 : a > c ? 1 : 0);

  const groups = new Map<string, InventoryGroup>();
  for (const g of b.groups.values()) {
    const vars: Vars = { ...g.vars };
    for (const f of files) Object.assign(vars, f.groups.get(g.name));
    registerSecrets(vars);
    groups.set(g.name, {
      name: g.name,
      hosts: [...g.hosts],
      children: [...g.children],
      vars,
      source: g.source,
      priority: g.priority,
    });
  }
  const hosts = new Map<string, InventoryHost>();
  for (const h of b.hosts.values()) {
    const vars: Vars = { ...h.vars };
    for (const f of files) Object.assign(vars, f.hosts.get(h.name));
    registerSecrets(vars);
    hosts.set(h.name, { name: h.name, vars, groups: [...h.groups], source: h.source });
  }

  const groupsCache = new Map<string, string[]>();
  const groupsOf = (host: string): string[] => {
    let cached = groupsCache.get(host);
    if (!cached) {
      const all = new Set<string>(['all']);
      for (const g of b.hosts.get(host)?.groups ?? []) {
        all.add(g);
        for (const a of b.ancestors(g)) all.add(a);
      }
      cached = [...all].sort(order);
      groupsCache.set(host, cached);
    }
    return cached;
  };

  // hosts of one rack or role share the same groups: merge the group part once per group set
  const groupPart = new Map<string, Vars>();
  const groupVarsFor = (mine: string[]): Vars => {
    const key = mine.join('\0');
    let out = groupPart.get(key);
    if (!out) {
      out = {};
      Object.assign(out, b.groups.get('all')!.vars);
      for (const g of mine) Object.assign(out, b.groups.get(g)!.vars);
      for (const f of files) Object.assign(out, f.groups.get('all'));
      for (const f of files) for (const g of mine) Object.assign(out, f.groups.get(g));
      groupPart.set(key, out);
    }
    return out;
  };

  const hostVars = (host: string): Vars => {
    const h = b.hosts.get(host);
    if (!h) return {};
    const mine = groupsOf(host).filter((g) => g !== 'all');
    const out: Vars = { ...groupVarsFor(mine), ...h.vars };
    for (const f of files) Object.assign(out, f.hosts.get(host));
    out.inventory_hostname = host;
    out.inventory_hostname_short = /^[\d.]+$|:/.test(host) ? host : host.split('.')[0];
    out.group_names = mine.slice().sort();
    return out;
  };

  return { hosts, groups, hostVars, groupsOf };
}
