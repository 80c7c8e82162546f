/**
 * Module registry: every module is one file under src/modules/ and one line in builtin.ts.
 * An unknown module name fails listing the close matches (the playbook loader reports it at file:line).
 */
import type { ModuleDef } from './types.js';
import { builtinModules } from './builtin.js';

// Modules are heterogeneous in their parameter types; the registry only routes by name.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModule = ModuleDef<any>;

const modules = new Map<string, AnyModule>();
for (const m of builtinModules) registerModule(m);

/** Add a module (also used by tests to register fixtures). A duplicate name is a bug. */
export function registerModule(def: AnyModule): void {
  if (modules.has(def.name)) throw new Error(`module ${def.name} registered twice`);
  modules.set(def.name, def);
  // Ansible's fully-qualified names for the builtins resolve to the same module
  modules.set(`ansible.builtin.${def.name}`, def);
}

/** The module of that name, or undefined. */
export function getModule(name: string): AnyModule | undefined {
  return modules.get(name);
}

/** Names of all modules (short names only), sorted. */
export function moduleNames(): string[] {
  return [...modules.keys()].filter((n) => !n.includes('.')).sort();
}
