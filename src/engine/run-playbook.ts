/**
 * `runPlaybook`: load and validate everything (playbook, roles, includes, module args, expressions,
 * inventory) before connecting anywhere, then run play after play and emit the recap.
 * Exit codes: 0 ok, 2 a host failed, 3 a host unreachable (none failed), 4 the playbook itself was
 * wrong for a host (undefined variable, bad expression at run time), 6 a task found another run's lock,
 * 130 interrupted.
 */
import { setMaxListeners } from 'node:events';
import { LocalConnection } from '../connections/local.js';
import { ConfigError, ExitCode } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import type { EventSink } from '../output/events.js';
import { redact } from '../output/redact.js';
import { loadPlaybook } from '../playbook/load.js';
import type { Playbook } from '../playbook/types.js';
import type { ConnectionFactory } from './connect.js';
import { HostState, type RunScope } from './host-state.js';
import { runPlay, type PlayEnv } from './run-play.js';
import { Stats } from './stats.js';

/** Options of one run (the CLI maps its flags onto these). */
export interface RunOptions {
  /** a playbook path, or one already loaded */
  playbook: string | Playbook;
  inventory: Inventory;
  /** Ansible host-pattern selection (`web:&prod:!web3`) */
  selectHosts: (inv: Inventory, pattern: string, opts?: { warn?: (m: string) => void }) => string[];
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  extraVars?: Record<string, unknown>;
  check?: boolean;
  diff?: boolean;
  /** hosts running a task at the same time (default 50) */
  forks?: number;
  connect: ConnectionFactory;
  emit: EventSink;
  /** first abort: start no new task or handler, let running ones finish */
  signal?: AbortSignal;
}

/** What a run ends with. */
export interface RunResult {
  exitCode: number;
  stats: Stats;
}

/** Load, validate and run a playbook. Bad input throws ConfigError before any connection. */
export async function runPlaybook(opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const pb = typeof opts.playbook === 'string' ? await loadPlaybook(opts.playbook) : opts.playbook;
  const inv = opts.inventory;
  // resolve every play's hosts first: a bad pattern is bad input, found before connecting
  const warned = new Set<string>();
  const warn = (m: string): void => {
    const text = redact(m);
    if (warned.has(text)) return;
    warned.add(text);
    opts.emit({ event: 'warning', message: text });
  };
  const limited = opts.limit ? new Set(opts.selectHosts(inv, opts.limit, { warn })) : undefined;
  const playHosts = pb.plays.map((p) =>
    opts.selectHosts(inv, p.hosts, { warn }).filter((h) => !limited || limited.has(h)),
  );
  if (limited && limited.size === 0) throw new ConfigError(`--limit "${opts.limit}" matches no host`);

  const groups: Record<string, string[]> = { all: [...inv.hosts.keys()], ungrouped: [] };
  for (const h of inv.hosts.keys()) {
    for (const g of inv.groupsOf(h)) if (!(groups[g] ??= []).includes(h)) groups[g].push(h);
  }
  const scope: RunScope = {
    extraVars: opts.extraVars ?? {},
    groups,
    playbookDir: pb.dir,
    check: !!opts.check,
    hostvars: Object.fromEntries([...inv.hosts.keys()].map((h) => [h, inv.hostVars(h)])),
  };
  const states = new Map<string, HostState>();
  const state = (name: string): HostState => {
    let s = states.get(name);
    if (!s) {
      s = new HostState(
        name,
        inv.hostVars(name),
        inv.groupsOf(name).filter((g) => g !== 'all'),
        opts.connect,
      );
      states.set(name, s);
    }
    return s;
  };
  const stats = new Stats();
  const local = new LocalConnection('localhost');
  const hardStop = new AbortController();
  // every command in flight on every host listens to these signals (50 hosts = 50 listeners):
  // that is the design, not a leak, and must not print Node's MaxListenersExceededWarning
  setMaxListeners(0, hardStop.signal);
  if (opts.signal) setMaxListeners(0, opts.signal);
  let badInput = false;
  let locked = false;
  let aborted = false;
  opts.emit({ event: 'run_start', playbook: pb.file, check: !!opts.check, diff: !!opts.diff });
  try {
    for (const [i, play] of pb.plays.entries()) {
      if (aborted || opts.signal?.aborted) break;
      const hosts = playHosts[i].map(state).filter((h) => h.alive);
      opts.emit({ event: 'play_start', play: play.name, hosts: hosts.map((h) => h.name) });
      if (!hosts.length) {
        warn(
          `play "${play.name}": no hosts matched "${play.hosts}"${opts.limit ? ` with --limit "${opts.limit}"` : ''}`,
        );
        continue;
      }
      const env: PlayEnv = {
        play,
        scope,
        emit: opts.emit,
        check: !!opts.check || !!play.checkMode,
        diff: !!opts.diff,
        local,
        signal: hardStop.signal,
        softSignal: opts.signal,
        warn,
        stats,
        forks: Math.max(1, opts.forks ?? 50),
        tags: opts.tags ?? [],
        skipTags: opts.skipTags ?? [],
        interrupted: () => !!opts.signal?.aborted,
        abort: false,
        badInput: false,
      };
      await runPlay(play, hosts, env);
      badInput ||= env.badInput;
      locked ||= !!env.locked;
      aborted = env.abort;
    }
  } finally {
    await Promise.all([...states.values()].map((s) => s.close()));
  }
  opts.emit({ event: 'recap', hosts: stats.toJSON() });
  const all = [...stats.hosts.values()];
  const exitCode = opts.signal?.aborted
    ? ExitCode.INTERRUPTED
    : badInput
      ? ExitCode.BAD_INPUT
      : locked
        ? ExitCode.LOCKED
        : all.some((s) => s.failed > 0)
          ? ExitCode.HOST_FAILED
          : all.some((s) => s.unreachable > 0)
            ? ExitCode.UNREACHABLE
            : ExitCode.OK;
  opts.emit({ event: 'run_end', exit_code: exitCode, duration_ms: Date.now() - started });
  return { exitCode, stats };
}
