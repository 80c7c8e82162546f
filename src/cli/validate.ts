/**
 * `certfleet validate -i INV`: loads the inventory, reports every problem at once
 * (`file:line:col: dot.path: message`, exit 4) or one OK line. The engine extends it with playbooks
 * through `validateInventories`, which returns issues instead of throwing.
 */
import type { Command } from 'commander';
import { ConfigError, type Issue } from '../errors.js';
import { loadInventory } from '../inventory/load.js';
import type { Inventory } from '../inventory/types.js';
import { playbookSummary, validatePlaybooks } from '../playbook/validate.js';
import { collectPath, inventoryPaths } from '../inventory/sources.js';

/** Result of validating inventory sources: the inventory when valid, else every issue found. */
export interface InventoryValidation {
  inventory?: Inventory;
  issues: Issue[];
}

/** Load and check inventory sources; every problem is returned (nothing is thrown for bad input). */
export async function validateInventories(paths: string[]): Promise<InventoryValidation> {
  try {
    return { inventory: await loadInventory(paths), issues: [] };
  } catch (err) {
    if (err instanceof ConfigError) return { issues: err.issues };
    throw err;
  }
}

/** One line describing a valid inventory. */
export function inventorySummary(inv: Inventory, paths: string[]): string {
  const groups = [...inv.groups.keys()].filter((g) => g !== 'all' && g !== 'ungrouped').length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `OK: inventory ${paths.join(', ')}: ${plural(inv.hosts.size, 'host')}, ${plural(groups, 'group')}`;
}

/** Register the `validate` command. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check inventories and playbooks without touching any host')
    .argument('[playbooks...]', 'playbooks to check (modules, arguments, roles, templates, expressions)')
    .option(
      '-i, --inventory <path>',
      'inventory file or directory (repeatable; default ./inventory)',
      collectPath,
    )
    .action(async (playbooks: string[], opts: { inventory?: string[] }) => {
      const paths = inventoryPaths(opts.inventory);
      const { inventory, issues } = await validateInventories(paths);
      const checked = await validatePlaybooks(playbooks);
      const all = [...issues, ...checked.flatMap((c) => c.issues)];
      if (!inventory || all.length) throw new ConfigError(all);
      process.stdout.write(`${inventorySummary(inventory, paths)}\n`);
      for (const c of checked) process.stdout.write(`${playbookSummary(c)}\n`);
    });
}
