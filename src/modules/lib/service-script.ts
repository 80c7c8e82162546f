/**
 * The service module's host-side script: it detects the init system, compares the wanted state with
 * the actual one and acts, all in ONE round trip. It prints `changed|yes|no`, `status|running|stopped`,
 * `pid|N`, `manager|...` and `warn|...` lines; a failure exits non-zero with the reason on stderr.
 * With DRY=1 (check mode) it decides but does not act.
 */
import { shellQuote } from '../../connections/connection.js';
import { probePrelude, type WebServerAdapter } from '../../webservers/adapter.js';

/** What the service module asks for. */
export interface ServiceWish {
  name: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  check: boolean;
}

const COMMON = `
act() { [ -n "$DRY" ] || eval "$1"; }
changed() { CHANGED=yes; }
CHANGED=no
if [ -d /run/systemd/system ]; then MGR=systemd
elif { read -r INIT < /proc/1/comm; } 2>/dev/null && [ "$INIT" = init ] && [ -d /etc/init.d ]; then MGR=sysvinit
else MGR=none; fi
echo "manager|$MGR"
`;

function configTest(w?: WebServerAdapter): string {
  if (!w) return 'true';
  return `{ out=$(${w.configTest}) || { echo "config test failed (${w.kind}): $out" >&2; exit 3; }; }`;
}

function wait(what: 'up' | 'down' | 'newpid'): string {
  const cond =
    what === 'up'
      ? '[ -n "$PID" ]'
      : what === 'down'
        ? '[ -z "$PID" ]'
        : '[ -n "$PID" ] && [ "$PID" != "$OLD" ]';
  return `i=0; while [ $i -lt 150 ]; do ws_pid; if ${cond}; then break; fi; sleep 0.1; i=$((i+1)); done; ${cond} || { echo "$NAME did not come ${what === 'down' ? 'down' : 'up'} within 15 s" >&2; exit 4; }`;
}

/** Without an init system: the daemon's own controls (pid file decides whether it runs). */
function daemonPart(w: WebServerAdapter, state: ServiceWish['state']): string {
  const lines = [
    probePrelude(w),
    '[ -n "$BIN" ] || { echo "$NAME is not installed (no binary found)" >&2; exit 2; }',
  ];
  const start = `${configTest(w)}; act ${shellQuote(w.start)}; [ -n "$DRY" ] || { ${wait('up')}; }`;
  const stop = `act ${shellQuote(w.stop)}; [ -n "$DRY" ] || { ${wait('down')}; }`;
  if (state === 'started') lines.push(`if [ -z "$PID" ]; then changed; ${start}; fi`);
  if (state === 'stopped') lines.push(`if [ -n "$PID" ]; then changed; ${stop}; fi`);
  if (state === 'restarted')
    lines.push(`changed; ${configTest(w)}; if [ -n "$PID" ]; then ${stop}; fi; ${start}`);
  if (state === 'reloaded') {
    const settle = w.reloadKeepsPid ? '' : `; [ -n "$DRY" ] || { ${wait('newpid')}; }`;
    // the config was just tested and $PID checked: signalling the master is the whole reload
    const reload = w.reloadSignal ? `kill -${w.reloadSignal} "$PID"` : w.reload;
    lines.push(
      `changed; if [ -n "$PID" ]; then ${configTest(w)}; OLD=$PID; act ${shellQuote(reload)}${settle}; else ${start}; fi`,
    );
  }
  lines.push('ws_pid; [ -n "$PID" ] && echo "status|running" && echo "pid|$PID" || echo "status|stopped"');
  return lines.join('\n');
}

/** With systemd or SysV init: the manager's commands (with a config test first for web servers). */
function managerPart(
  state: ServiceWish['state'],
  enabled: boolean | undefined,
  w?: WebServerAdapter,
): string {
  const lines = [
    'if [ "$MGR" = systemd ]; then',
    '  running() { systemctl is-active --quiet "$NAME"; }; ctl_() { systemctl "$1" "$NAME"; }',
    'else',
    '  running() { service "$NAME" status >/dev/null 2>&1 </dev/null; }; ctl_() { service "$NAME" "$1"; }',
    'fi',
    // output captured: a daemon an init script starts must not keep the (shared) shell's stdout
    'ctl() { OUT=$(ctl_ "$1" 2>&1 </dev/null) || { printf \'%s\\n\' "$OUT" >&2; return 1; }; }',
  ];
  if (state === 'started') lines.push('if ! running; then changed; act "ctl start"; fi');
  if (state === 'stopped') lines.push('if running; then changed; act "ctl stop"; fi');
  if (state === 'restarted') lines.push(`changed; ${configTest(w)}; act "ctl restart"`);
  if (state === 'reloaded')
    lines.push(`changed; if running; then ${configTest(w)}; act "ctl reload"; else act "ctl start"; fi`);
  if (enabled !== undefined) {
    const want = enabled ? 'enable' : 'disable';
    lines.push(
      'if [ "$MGR" = systemd ]; then',
      `  if ${enabled ? '!' : ''} systemctl is-enabled --quiet "$NAME" 2>/dev/null; then changed; act "systemctl ${want} --quiet $NAME"; fi`,
      'else echo "warn|enabled is not supported without systemd; ignored"; fi',
    );
  }
  lines.push('if running; then echo "status|running"; else echo "status|stopped"; fi');
  return lines.join('\n');
}

/** The whole script for one service task. */
export function serviceScript(wish: ServiceWish, adapter?: WebServerAdapter): string {
  const noInit = adapter
    ? daemonPart(adapter, wish.state) +
      (wish.enabled !== undefined ? '\necho "warn|enabled ignored: the host has no init system"' : '')
    : 'echo "$NAME: the host has no init system and certfleet does not know how to control this daemon" >&2; exit 2';
  return [
    'set -u',
    `NAME=${shellQuote(wish.name)}`,
    wish.check ? 'DRY=1' : 'DRY=',
    COMMON,
    'if [ "$MGR" = none ]; then',
    noInit,
    'else',
    managerPart(wish.state, wish.enabled, adapter),
    'fi',
    'echo "changed|$CHANGED"',
  ].join('\n');
}
