/**
 * What certfleet knows about each web server it delivers certificates to, in one place per server:
 * where it lives per distro, how to test its config, start/stop/reload it without an init system,
 * where its configs name TLS certificates, and how to read the TLS sites out of its configuration.
 * Paths are probes (first existing binary/config/pid file wins) so one description serves Debian
 * and Red Hat layouts alike; the facts, the service module, the TLS transaction and the audit all
 * use these same probes and commands.
 */
import { shellQuote } from '../connections/connection.js';
import { apacheAdapter } from './apache.js';
import { haproxyAdapter } from './haproxy.js';
import type { WebServerKind } from './kind.js';
import { kindOf } from './kind.js';
import { nginxAdapter } from './nginx.js';
import type { TlsSite } from './sites.js';
import { tomcatAdapter } from './tomcat.js';

/** OS families whose layouts differ (`ansible_os_family`). */
export type OsFamily = 'Debian' | 'RedHat';

/**
 * A web server. Commands are shell fragments run after {@link probePrelude}, which sets `$BIN` (the
 * binary or control script), `$CFG` (main config) and `$PIDF`/`$PID` (pid file, running master).
 */
export interface WebServerAdapter {
  kind: WebServerKind;
  /** service unit / init script names it goes by (`apache2`, `httpd`) */
  serviceNames: string[];
  /** package names by OS family */
  packages: Record<OsFamily, string>;
  /** binaries or control scripts, probed in order; a bare name is looked up in `$PATH` */
  binaries: string[];
  /** main config files, probed in order */
  configs: string[];
  /** where a family's layout probes in another order (Red Hat's `apachectl` and /etc/httpd first) */
  families?: Partial<Record<OsFamily, Partial<Pick<WebServerAdapter, 'binaries' | 'configs' | 'pidFiles'>>>>;
  /** files (shell globs) searched for certificate directives */
  certFiles: string[];
  /** ERE (grep -E) selecting lines that name certificates */
  certGrep: string;
  /** certificate paths named in the lines selected by certGrep */
  certPaths(lines: string[]): string[];
  /** pid files, probed in order (the running master's pid) */
  pidFiles: string[];
  /** process name of the master, checked against /proc/PID/comm (hosts may share a PID space) */
  comm: string[];
  /** prints the version (on stdout or stderr) */
  version: string;
  /** extracts the version number from that output */
  versionPattern: RegExp;
  /** what messages call the config test (`nginx -t failed: ...`), by OS family */
  testLabel(family: OsFamily): string;
  /** exits 0 when the config is valid (its output explains why not) */
  configTest: string;
  start: string;
  stop: string;
  /** reload the config without dropping connections */
  reload: string;
  /** the signal that makes the running master reload (what `reload` amounts to), sent straight to `$PID` */
  reloadSignal?: string;
  /** the master pid survives a reload (nginx, apache graceful); haproxy starts a new process */
  reloadKeepsPid: boolean;
  /** the directory relative paths in its configuration are resolved against */
  configRoot(main: string): string;
  /** the same rule in shell, for scripts on the host: sets `$ROOT` from `$CFG` */
  rootShell: string;
  /** the TLS sites its configuration serves, from the main config and the files it includes */
  tlsSites(main: string, files: Map<string, string>): TlsSite[];
}

/** All adapters, in the order facts list them. */
export const webServers: WebServerAdapter[] = [nginxAdapter, apacheAdapter, haproxyAdapter, tomcatAdapter];

/** The adapter of a kind. */
export function adapterOf(kind: WebServerKind): WebServerAdapter {
  return webServers.find((w) => w.kind === kind)!;
}

/** The adapter for a service name as users write it (`nginx`, `apache2`, `httpd`, `tomcat9`...). */
export function adapterFor(serviceName: string): WebServerAdapter | undefined {
  const kind = kindOf(serviceName);
  return kind ? adapterOf(kind) : webServers.find((w) => w.serviceNames.includes(serviceName));
}

/** `Debian` unless the family is Red Hat's (the two layouts the adapters know). */
export function familyOf(osFamily: unknown): OsFamily {
  return osFamily === 'RedHat' ? 'RedHat' : 'Debian';
}

/** The adapter with the probe order of a family. */
export function forFamily(w: WebServerAdapter, family: OsFamily): WebServerAdapter {
  const f = w.families?.[family];
  return f ? { ...w, ...f } : w;
}

/**
 * `first_existing VAR candidates...` as shell: sets VAR to the first path that exists (or ''). A bare
 * name (no `/`) is searched in `$PATH` — with built-ins only, no `command -v` in a subshell.
 */
function probe(variable: string, candidates: string[], test: '-x' | '-f' | '-e'): string {
  const words = candidates.map((c) => (c.includes('*') ? c : shellQuote(c))).join(' ');
  const inPath = candidates.some((c) => !c.includes('/'))
    ? ` case "$c" in */*) ;; *) o=$IFS; IFS=:; for d in $PATH; do if [ ${test} "$d/$c" ]; then ${variable}=$d/$c; break; fi; done; IFS=$o; [ -n "$${variable}" ] && break; continue ;; esac;`
    : '';
  return `${variable}=; for c in ${words}; do${inPath} if [ ${test} "$c" ]; then ${variable}=$c; break; fi; done`;
}

/**
 * Shell that sets `$BIN` and `$CFG`, and defines `ws_pid`, which (re)sets `$PIDF` and `$PID` (empty
 * unless the server runs), then calls it. Re-run `ws_pid` after a start or stop to see the change.
 */
export function probePrelude(w: WebServerAdapter): string {
  const comms = w.comm.map(shellQuote).join(' ');
  return [
    probe('BIN', w.binaries, '-x'),
    probe('CFG', w.configs, '-f'),
    `ws_pid() {\n${probe('PIDF', w.pidFiles, '-f')}`,
    // a pid counts only if alive, not a zombie, and the same program (lab hosts share one PID space)
    // shell built-ins only (read, case, kill -0): this runs before and after every service action
    `PID=; if [ -n "$PIDF" ]; then p=; { read -r p < "$PIDF"; } 2>/dev/null; p=\${p%%[!0-9]*}; ` +
      `if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then st=; { read -r st < /proc/$p/stat; } 2>/dev/null; ` +
      `case "$st" in *") Z "*) ;; *) c=; { read -r c < /proc/$p/comm; } 2>/dev/null; ` +
      `for n in ${comms}; do [ "$c" = "$n" ] && PID=$p; done ;; esac; fi; fi\n}`,
    'ws_pid',
  ].join('\n');
}

/** How the TLS transaction tests and reloads a server (a playbook may give its own commands). */
export interface ServerCommands {
  /** label used in messages (`nginx -t failed: ...`) */
  testLabel: string;
  test: string;
  reload: string;
}

/** The config test and reload of a kind on a family, with the probes they need. */
export function serverCommands(kind: WebServerKind, family: OsFamily): ServerCommands {
  const w = forFamily(adapterOf(kind), family);
  const prelude = probePrelude(w);
  const need = `[ -n "$BIN" ] || { echo "${kind}: no ${w.binaries[0].split('/').pop()} found" >&2; exit 127; }`;
  return {
    testLabel: w.testLabel(family),
    test: `${prelude}\n${need}\n${w.configTest}`,
    reload: `${prelude}\n${need}\n${w.reload}`,
  };
}
