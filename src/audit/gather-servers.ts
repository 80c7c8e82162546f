/**
 * The web-server part of the audit's gather script, written from the adapters (webservers/): the
 * same probes for binary, main config and running master as facts and the service module use.
 * `ws_detect` prints `installed KIND` / `running KIND` lines and sets `WS_CFG_<kind>` (the main
 * config) and `WS_ROOT_<kind>` (where its relative paths resolve) for the collect step.
 */
import { probePrelude, webServers } from '../webservers/adapter.js';

/** Shell defining `ws_detect`. */
export function detectionScript(): string {
  const parts = webServers.map((w) =>
    [
      probePrelude(w),
      `if [ -n "$BIN" ]; then echo 'installed ${w.kind}'; [ -n "$PID" ] && echo 'running ${w.kind}'; fi`,
      `WS_CFG_${w.kind}=; WS_ROOT_${w.kind}=`,
      `if [ -n "$BIN" ] && [ -n "$CFG" ]; then ${w.rootShell}; WS_CFG_${w.kind}=$CFG; WS_ROOT_${w.kind}=$ROOT; fi`,
    ].join('\n'),
  );
  return `ws_detect() {\n${parts.join('\n')}\n}\n`;
}
