/**
 * What certfleet knows about each web server it delivers certificates to: where it lives per distro,
 * how to test its config, start/stop/reload it without an init system, and where its configs name
 * TLS certificates. Everything is expressed as probes (first existing binary/config/pid file wins) so
 * one description serves Debian and Red Hat layouts alike.
 */
import { shellQuote } from '../connections/connection.js';
import { apacheAdapter } from './apache.js';
import { haproxyAdapter } from './haproxy.js';
import { nginxAdapter } from './nginx.js';
import { tomcatAdapter } from './tomcat.js';

/** Canonical names of the supported web servers (facts use them as keys). */
export type WebServerName = 'nginx' | 'apache2' | 'haproxy' | 'tomcat';

/**
 * A web server. Commands are shell fragments run after {@link probePrelude}, which sets `$BIN` (the
 * binary or control script), `$CFG` (main config) and `$PIDF` (pid file) on the host.
 */
export interface WebServerAdapter {
  name: WebServerName;
  /** service unit / init script names it goes by (`apache2`, `httpd`) */
  serviceNames: string[];
  /** package names by OS family */
  packages: { Debian: string; RedHat: string };
  /** binaries or control scripts, probed in order */
  binaries: string[];
  /** main config files, probed in order */
  configs: string[];
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
}

/** All adapters, in the order facts list them. */
export const webServers: WebServerAdapter[] = [nginxAdapter, apacheAdapter, haproxyAdapter, tomcatAdapter];

/** The adapter for a service name as users write it (`nginx`, `apache2`, `httpd`, `tomcat9`...). */
export function adapterFor(serviceName: string): WebServerAdapter | undefined {
  return webServers.find((w) => w.name === serviceName || w.serviceNames.includes(serviceName));
}

/** `first_existing VAR candidates...` as shell: sets VAR to the first path that exists (or ''). */
function probe(variable: string, candidates: string[], test: '-x' | '-f' | '-e'): string {
  const words = candidates.map((c) => (c.includes('*') ? c : shellQuote(c))).join(' ');
  return `${variable}=; for c in ${words}; do if [ ${test} "$c" ]; then ${variable}=$c; break; fi; done`;
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
