/**
 * `certfleet run PLAYBOOK -i INV`: validate everything, then run the playbook on the selected hosts.
 * Output: listr2 on a TTY, Ansible-like lines otherwise, NDJSON events with --json (docs/events.md).
 * SIGINT once: start nothing new, let tasks on hosts finish, stop (and roll back) control-node work such
 * as an issuance waiting for DNS, exit 130; twice: exit at once.
 */
import type { Command } from 'commander';
import { defaultConnectionFactory } from '../engine/connect.js';
import { parseExtraVars } from '../engine/extra-vars.js';
import { runPlaybook } from '../engine/run-playbook.js';
import { ConfigError, ExitCode } from '../errors.js';
import { loadInventory } from '../inventory/load.js';
import { selectHosts } from '../inventory/patterns.js';
import type { EventSink } from '../output/events.js';
import { batchedStreams } from '../output/batched.js';
import { jsonRenderer } from '../output/json.js';
import { plainRenderer } from '../output/plain.js';
import { ttyRenderer } from '../output/tty.js';
import { loadPlaybook } from '../playbook/load.js';

interface RunFlags {
  inventory: string[];
  limit?: string;
  tags: string[];
  skipTags: string[];
  extraVars: string[];
  check?: boolean;
  diff?: boolean;
  forks: string;
  json?: boolean;
  timeout: string;
  knownHosts?: string;
  acceptNewHostKeys?: boolean;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];
const tagList = (list: string[]): string[] =>
  list
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter(Boolean);

function positiveInt(flag: string, v: string, max: number): number {
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new ConfigError(`${flag}: must be an integer from 1 to ${max}, got "${v}"`);
  return n;
}

/** Register `certfleet run`. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a playbook on the inventory hosts')
    .argument('<playbook>', 'playbook YAML file')
    .requiredOption('-i, --inventory <path>', 'inventory file or directory (repeatable)', collect, [])
    .option('-l, --limit <pattern>', 'further limit the hosts with a host pattern')
    .option('-t, --tags <tags>', 'only run tasks with these tags (comma-separated, repeatable)', collect, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags (comma-separated, repeatable)', collect, [])
    .option(
      '-e, --extra-vars <vars>',
      'k=v, @file.yml or a JSON mapping (repeatable, highest precedence)',
      collect,
      [],
    )
    .option('-C, --check', 'do not change anything; report what would change')
    .option('-D, --diff', 'show the differences of changed files')
    .option('-f, --forks <n>', 'hosts running a task at the same time', '50')
    .option('--json', 'NDJSON events on stdout (docs/events.md)')
    .option('-T, --timeout <seconds>', 'SSH connect timeout', '10')
    .option('--known-hosts <file>', 'known_hosts file for host key checking')
    .option('--accept-new-host-keys', 'record unknown host keys instead of refusing them')
    .action(async (file: string, flags: RunFlags) => {
      const forks = positiveInt('--forks', flags.forks, 1000);
      const timeout = positiveInt('--timeout', flags.timeout, 3600);
      const extraVars = await parseExtraVars(flags.extraVars);
      // everything that can be wrong in the input is found here, before any connection
      const playbook = await loadPlaybook(file);
      const inventory = await loadInventory(flags.inventory);
      // lines (not the TTY's redrawn view) leave in one write per event-loop turn
      const lines = batchedStreams(process.stdout, process.stderr);
      const emit: EventSink = flags.json
        ? jsonRenderer(lines.out)
        : process.stdout.isTTY
          ? ttyRenderer(process.stdout, process.stderr)
          : plainRenderer(lines.out, lines.err);
      // `certfleet run ... | head` closes stdout early: stop writing, do not crash
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code !== 'EPIPE') throw e;
      });
      const stop = new AbortController();
      const onSigint = (): void => {
        if (stop.signal.aborted) process.exit(ExitCode.INTERRUPTED);
        process.stderr.write(
          '\ncertfleet: interrupted: tasks running on hosts finish, an issuance in progress is rolled back (Ctrl-C again to quit now)\n',
        );
        stop.abort();
      };
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigint);
      try {
        const result = await runPlaybook({
          playbook,
          inventory,
          selectHosts,
          limit: flags.limit,
          tags: tagList(flags.tags),
          skipTags: tagList(flags.skipTags),
          extraVars,
          check: flags.check,
          diff: flags.diff,
          forks,
          connect: defaultConnectionFactory({
            knownHostsFile: flags.knownHosts,
            acceptNewHostKeys: flags.acceptNewHostKeys,
            timeoutMs: timeout * 1000,
          }),
          emit,
          signal: stop.signal,
        });
        if ('done' in emit && typeof emit.done === 'function') await (emit.done as () => Promise<void>)();
        process.exitCode = result.exitCode;
      } finally {
        lines.flush();
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
      }
    });
}
