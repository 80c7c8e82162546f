/**
 * The inventory data model: hosts and groups as Ansible defines them. Loaders (YAML, INI, directories)
 * build it; the engine and the CLI only read it.
 */
import type { SourceLocation } from '../errors.js';

/** One host: its own variables and the groups it was listed in. */
export interface InventoryHost {
  name: string;
  /** variables set on the host itself (inline or host_vars/), before group merging */
  vars: Record<string, unknown>;
  /** groups the host is a direct member of (never `all`) */
  groups: string[];
  source?: SourceLocation;
}

/** One group: direct hosts, direct child groups and its own variables (inventory + group_vars/). */
export interface InventoryGroup {
  name: string;
  /** direct member hosts, in declaration order */
  hosts: string[];
  /** direct child groups, in declaration order */
  children: string[];
  vars: Record<string, unknown>;
  source?: SourceLocation;
  /** `ansible_group_priority` (default 1): among groups of the same depth, higher wins */
  priority?: number;
}

/** A loaded inventory (see src/inventory/load.ts); read-only for the engine and the CLI. */
export interface Inventory {
  hosts: Map<string, InventoryHost>;
  groups: Map<string, InventoryGroup>;
  /** a host's merged variables, exactly Ansible's precedence (plus inventory_hostname, group_names) */
  hostVars(host: string): Record<string, unknown>;
  /** every group a host belongs to, ancestors included, `all` first */
  groupsOf(host: string): string[];
}
