/**
 * `certfleet inventory -i PATH... --list | --graph [GROUP] [--vars] | --host NAME`: shows the
 * inventory exactly as `ansible-inventory` would, so an Ansible inventory can be checked by diff.
 */
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { ansibleJson, graph, listedHostVars, toAnsibleList } from '../inventory/list.js';
import { loadInventory } from '../inventory/load.js';
import { redact } from '../output/redact.js';
import { collectPath, inventoryPaths } from '../inventory/sources.js';

interface InventoryOptions {
  inventory?: string[];
  list?: boolean;
  graph?: string | boolean;
  host?: string;
  vars?: boolean;
}

/** Register the `inventory` command. */
export function registerInventory(program: Command): void {
  program
    .command('inventory')
    .description('show the inventory like ansible-inventory: --list, --graph [GROUP] or --host NAME')
    .option(
      '-i, --inventory <path>',
      'inventory file or directory (repeatable; default ./inventory)',
      collectPath,
    )
    .option('--list', 'all groups and hosts with their variables, as JSON')
    .option('--graph [group]', 'the group tree (from GROUP, default all)')
    .option('--host <name>', "one host's merged variables, as JSON")
    .option('--vars', 'with --graph: show variables too')
    .action(async (opts: InventoryOptions) => {
      const modes = [opts.list, opts.graph, opts.host].filter((m) => m !== undefined && m !== false);
      if (modes.length !== 1)
        throw new ConfigError('inventory: give exactly one of --list, --graph or --host');
      if (opts.vars && opts.graph === undefined)
        throw new ConfigError('inventory: --vars only goes with --graph');
      const inv = await loadInventory(inventoryPaths(opts.inventory));
      let text: string;
      if (opts.list) {
        text = ansibleJson(toAnsibleList(inv));
      } else if (opts.host !== undefined) {
        if (!inv.hosts.has(opts.host)) throw new ConfigError(`inventory: unknown host "${opts.host}"`);
        text = ansibleJson(listedHostVars(inv, opts.host));
      } else {
        const group = typeof opts.graph === 'string' ? opts.graph : 'all';
        if (!inv.groups.has(group))
          throw new ConfigError(`inventory: --graph needs a group name, "${group}" is none`);
        text = graph(inv, group, opts.vars ?? false);
      }
      // inventories hold passwords (ansible_become_password...): registered secrets never print
      process.stdout.write(`${redact(text)}\n`);
    });
}
