/**
 * The mutable inventory that loaders fill, with Ansible's rules (`InventoryData`, `Group`, `Host`):
 * `all` and `ungrouped` always exist, `ungrouped` is `all`'s first child, adding a group twice or a
 * host to a group twice is a no-op, a child edge that would close a cycle is refused, and at the
 * end `reconcile()` hangs parentless groups under `all` and moves group-less hosts to `ungrouped`.
 * Problems are collected as Issues so that every one of them is reported at once.
 */
import type { Issue, SourceLocation } from '../errors.js';

/** A group while loading: like InventoryGroup plus what Ansible needs to order variables. */
export interface GroupData {
  name: string;
  hosts: string[];
  children: string[];
  parents: string[];
  /** variables written in inventory files (not group_vars/) */
  vars: Record<string, unknown>;
  /** `ansible_group_priority` (default 1): orders groups of the same depth before their name */
  priority: number;
  source?: SourceLocation;
  /** membership test for `hosts` (groups of thousands of hosts make `includes` quadratic) */
  hostSet: Set<string>;
}

/** A host while loading. */
export interface HostData {
  name: string;
  /** direct groups, in the order the host was added to them (never `all`) */
  groups: string[];
  /** variables written in inventory files (not host_vars/) */
  vars: Record<string, unknown>;
  source?: SourceLocation;
}

/** Collects hosts, groups, edges and issues from every inventory source. */
export class InventoryBuilder {
  readonly groups = new Map<string, GroupData>();
  readonly hosts = new Map<string, HostData>();
  readonly issues: Issue[] = [];

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  /** Record a problem (kept, loading goes on so that all problems are reported together). */
  fail(message: string, source?: SourceLocation, path?: string): void {
    this.issues.push({ source, path, message });
  }

  /** Create the group if needed; returns it. */
  addGroup(name: string, source?: SourceLocation): GroupData {
    let g = this.groups.get(name);
    if (!g) {
      g = { name, hosts: [], children: [], parents: [], vars: {}, priority: 1, source, hostSet: new Set() };
      this.groups.set(name, g);
    }
    return g;
  }

  /** Create the host if needed, add it to `group`, and set `ansible_port` when the entry had `:port`. */
  addHost(name: string, group?: string, port?: number, source?: SourceLocation): HostData {
    let h = this.hosts.get(name);
    if (!h) {
      h = { name, groups: [], vars: {}, source };
      this.hosts.set(name, h);
      // Ansible sets the port only when the host is created, and treats port 0 as "no port"
      if (port) h.vars.ansible_port = port;
    }
    if (group) this.addHostToGroup(h, this.addGroup(group));
    return h;
  }

  private addHostToGroup(h: HostData, g: GroupData): void {
    if (!g.hostSet.has(h.name)) {
      g.hostSet.add(h.name);
      g.hosts.push(h.name);
    }
    if (g.name !== 'all' && !h.groups.includes(g.name)) h.groups.push(g.name);
  }

  /**
   * Make `child` a child group of `parent` (both created if needed). Refuses, with an issue, an
   * edge that would make a group its own ancestor.
   */
  addChild(parent: string, child: string, source?: SourceLocation, path?: string): boolean {
    const p = this.addGroup(parent);
    const c = this.addGroup(child, source);
    if (p.children.includes(child)) return false;
    if (parent === child || this.ancestors(parent).has(child)) {
      const loop = [...this.pathUp(parent, child), parent, child].join(' -> ');
      this.fail(`group "${child}" cannot be a child of "${parent}": cycle ${loop}`, source, path);
      return false;
    }
    p.children.push(child);
    if (!c.parents.includes(parent)) c.parents.push(parent);
    return true;
  }

  /** All ancestors of a group (not itself). */
  ancestors(name: string): Set<string> {
    const out = new Set<string>();
    const todo = [...(this.groups.get(name)?.parents ?? [])];
    while (todo.length) {
      const g = todo.pop()!;
      if (out.has(g)) continue;
      out.add(g);
      todo.push(...(this.groups.get(g)?.parents ?? []));
    }
    return out;
  }

  /** The chain of groups from `top` down to `name` following parent links (for cycle messages). */
  private pathUp(name: string, top: string): string[] {
    const parents = this.groups.get(name)?.parents ?? [];
    if (parents.includes(top)) return [top];
    for (const p of parents) {
      if (this.ancestors(p).has(top) || p === top) return [...this.pathUp(p, top), p];
    }
    return [];
  }

  /** Set an inventory-file variable on a group (`ansible_group_priority` sets the priority). */
  setGroupVar(group: string, key: string, value: unknown): void {
    const g = this.addGroup(group);
    if (key === 'ansible_group_priority') {
      const n = Number(value);
      if (Number.isInteger(n)) g.priority = n;
      return;
    }
    g.vars[key] = value;
  }

  /** Set an inventory-file variable on a host. */
  setHostVar(host: string, key: string, value: unknown): void {
    this.addHost(host).vars[key] = value;
  }

  /** Ansible's `reconcile_inventory`: every group under `all`, group-less hosts in `ungrouped`. */
  reconcile(): void {
    for (const g of this.groups.values()) {
      if (g.name !== 'all' && g.parents.length === 0) this.addChild('all', g.name);
    }
    const ungrouped = this.groups.get('ungrouped')!;
    for (const h of this.hosts.values()) {
      const inUngrouped = h.groups.includes('ungrouped');
      if (inUngrouped && h.groups.length > 1) {
        ungrouped.hostSet.delete(h.name);
        h.groups = h.groups.filter((n) => n !== 'ungrouped');
      } else if (!inUngrouped && h.groups.length === 0) {
        this.addHostToGroup(h, ungrouped);
      }
    }
    ungrouped.hosts = ungrouped.hosts.filter((n) => ungrouped.hostSet.has(n));
  }

  /** Depth of every group: the longest parent chain up to `all` (Ansible's `Group.depth`). */
  depths(): Map<string, number> {
    const depth = new Map<string, number>();
    const visit = (name: string): number => {
      const known = depth.get(name);
      if (known !== undefined) return known;
      depth.set(name, 0); // guards against cycles, which addChild already refuses
      const parents = this.groups.get(name)?.parents ?? [];
      const d = parents.length ? Math.max(...parents.map((p) => visit(p) + 1)) : 0;
      depth.set(name, d);
      return d;
    };
    for (const name of this.groups.keys()) visit(name);
    return depth;
  }
}
