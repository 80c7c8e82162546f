/**
 * The `-i/--inventory` option shared by commands: repeatable, in order; defaults to `./inventory`
 * when it exists (like Ansible's `inventory` setting pointing at a project's inventory).
 */
import { existsSync } from 'node:fs';
import { ConfigError } from '../errors.js';

/** commander collector: every `-i` is kept, in the order given. */
export function collectPath(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The inventory sources to load: the `-i` values, or `./inventory` when none was given. */
export function inventoryPaths(given: string[] | undefined): string[] {
  if (given?.length) return given;
  if (existsSync('inventory')) return ['inventory'];
  throw new ConfigError('no inventory: pass -i PATH (or create ./inventory)');
}
