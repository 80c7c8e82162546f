/**
 * The inventory certfleet's delivery playbooks expect, written for a running lab: one group per web
 * server role (`nginx`, `apache`, `haproxy`) and per distro, `ansible_host`/`ansible_port` per host,
 * the lab key on `all`, each role's port variables (`nginx_tls_port`, ...) and `tls_port`, the TLS port
 * of the host's first service (first service 443, then 8443, 8444).
 */
import { chmod, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { Lab, LabService } from '../index.js';

const ROLE_GROUP: Record<LabService, string> = { nginx: 'nginx', apache2: 'apache', haproxy: 'haproxy' };

/** Write the inventory YAML for `lab` to `path`; `vars` go on `all`, `hostVars` on single hosts. */
export async function writeDeliveryInventory(
  lab: Lab,
  path: string,
  vars: Record<string, unknown> = {},
  hostVars: Record<string, Record<string, unknown>> = {},
): Promise<void> {
  const groups = new Map<string, Record<string, null>>();
  const add = (g: string, h: string) => groups.set(g, { ...(groups.get(g) ?? {}), [h]: null });
  const hosts: Record<string, Record<string, unknown>> = {};
  for (const h of lab.hosts) {
    const v: Record<string, unknown> = { ansible_host: h.ip, ansible_port: h.port };
    const first = h.services[0];
    if (first) v.tls_port = h.ports[first]?.https;
    // the roles' own port variables: inventory host vars override role defaults
    for (const s of h.services) {
      v[`${ROLE_GROUP[s]}_tls_port`] = h.ports[s]?.https;
      if (s !== 'haproxy') v[`${ROLE_GROUP[s]}_tls_http_port`] = h.ports[s]?.http;
      add(ROLE_GROUP[s], h.name);
    }
    add(h.distro, h.name);
    hosts[h.name] = { ...v, ...(hostVars[h.name] ?? {}) };
  }
  const doc = {
    all: {
      vars: { ansible_user: 'root', ansible_ssh_private_key_file: lab.keyFile, ...vars },
      hosts,
      children: Object.fromEntries([...groups].map(([g, m]) => [g, { hosts: m }])),
    },
  };
  // it holds the DNS provider's credentials: readable by its owner only (certfleet warns otherwise)
  await writeFile(path, `# certfleet delivery inventory for lab ${lab.id} (generated)\n${stringify(doc)}`, {
    mode: 0o600,
  });
  await chmod(path, 0o600);
}
