/**
 * The lab's inventory, in Ansible's YAML format so that both certfleet and ansible-playbook can run
 * against the same hosts: one group per distro and per service, connection variables on `all`.
 */
import { stringify } from 'yaml';
import type { LabDistro, LabService, ServicePorts } from './types.js';

/** What the inventory needs about each host. */
export interface InventoryEntry {
  name: string;
  ip: string;
  port: number;
  distro: LabDistro;
  services: LabService[];
  ports: Partial<Record<LabService, ServicePorts>>;
}

/** certfleet's `webserver` names (the inventory schema's enum) for the lab's Debian service names. */
const WEBSERVER_NAME: Record<LabService, string> = { nginx: 'nginx', apache2: 'apache', haproxy: 'haproxy' };

/** Render the inventory YAML: groups are named like the `webserver` values (`apache`, not `apache2`). */
export function labInventory(hosts: InventoryEntry[], keyFile: string, knownHostsFile: string): string {
  const groups = new Map<string, Record<string, object>>();
  const add = (group: string, host: string): void => {
    const g = groups.get(group) ?? {};
    g[host] = {};
    groups.set(group, g);
  };
  const all: Record<string, object> = {};
  for (const h of hosts) {
    const vars: Record<string, unknown> = { ansible_host: h.ip, ansible_port: h.port, distro: h.distro };
    if (h.services.length > 0) {
      vars.webserver = WEBSERVER_NAME[h.services[0]];
      vars.webservers = h.services.map((s) => WEBSERVER_NAME[s]);
      vars.lab_ports = Object.fromEntries(h.services.map((s) => [s, h.ports[s]]));
    }
    all[h.name] = vars;
    add(h.distro, h.name);
    for (const s of h.services) add(WEBSERVER_NAME[s], h.name);
  }
  const children = Object.fromEntries([...groups].map(([g, members]) => [g, { hosts: members }]));
  const doc = {
    all: {
      vars: {
        ansible_user: 'root',
        ansible_ssh_private_key_file: keyFile,
        // Strict checking against the lab's own known_hosts: the hosts' keys are fresh on every start.
        ansible_ssh_common_args: `-o UserKnownHostsFile=${knownHostsFile} -o StrictHostKeyChecking=yes`,
        known_hosts_file: knownHostsFile,
        ansible_python_interpreter: '/usr/bin/python3',
      },
      hosts: all,
      children,
    },
  };
  return `# certfleet lab inventory (generated; removed with the lab)\n${stringify(doc, { lineWidth: 0 })}`;
}

/** known_hosts lines: plain IP for port 22, `[ip]:port` otherwise (OpenSSH's rule). */
export function knownHostsLines(hosts: { ip: string; port: number; publicKey: string }[]): string {
  return hosts
    .map((h) => {
      const [type, key] = h.publicKey.split(/\s+/);
      const addr = h.port === 22 ? h.ip : `[${h.ip}]:${h.port}`;
      return `${addr} ${type} ${key}`;
    })
    .join('\n')
    .concat('\n');
}
