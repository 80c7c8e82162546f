/**
 * The facts script (one round trip: sent on stdin to `sh -s`) and the parser of its `kind|...` lines.
 * Web server knowledge comes from the adapters, so facts and the service module probe the same paths.
 */
import { probePrelude, webServers } from '../../webservers/adapter.js';
import type { WebServerKind } from '../../webservers/kind.js';

/** What setup reports about one web server. */
export interface WebServerFacts {
  installed: boolean;
  running: boolean;
  binary?: string;
  version?: string;
  config?: string;
  pid?: number;
  /** certificate paths named in its configs */
  certificates: string[];
}

/** Facts without the `ansible_` prefix (as in `ansible_facts.*`). */
export interface HostFacts {
  distribution: string;
  distribution_version: string;
  distribution_major_version: string;
  distribution_release: string;
  os_family: string;
  hostname: string;
  fqdn: string;
  service_mgr: string;
  kernel: string;
  architecture: string;
  certfleet_webservers: Record<WebServerKind, WebServerFacts>;
}

/** The shell script that gathers everything. */
export function factsScript(): string {
  const base = [
    'h=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname); echo "hostname|$h"',
    'echo "fqdn|$(hostname -f 2>/dev/null || echo "$h")"',
    '[ -r /etc/os-release ] && sed -n "s/^\\([A-Z_]*\\)=/os|\\1|/p" /etc/os-release',
    'for f in /etc/redhat-release /etc/debian_version /etc/alpine-release; do [ -r $f ] && echo "rel|$f|$(head -n1 $f)"; done',
    // systemd marks its own runtime dir; a classic init is PID 1 named init with /etc/init.d
    'if [ -d /run/systemd/system ]; then echo "init|systemd"; ' +
      'elif [ "$(cat /proc/1/comm 2>/dev/null)" = init ] && [ -d /etc/init.d ]; then echo "init|sysvinit"; else echo "init|none"; fi',
    'echo "kernel|$(uname -r)"; echo "arch|$(uname -m)"',
  ];
  const ws = webServers.map((w) => {
    const tag = `ws|${w.kind}|`;
    return [
      '(',
      probePrelude(w),
      `if [ -n "$BIN" ]; then echo "${tag}bin|$BIN"; echo "${tag}version|$(${w.version} | tr '\\n' ' ')"; fi`,
      `[ -n "$CFG" ] && echo "${tag}config|$CFG"`,
      `[ -n "$PID" ] && echo "${tag}pid|$PID"`,
      `for f in ${w.certFiles.join(' ')}; do [ -f "$f" ] && grep -hE '${w.certGrep}' "$f" 2>/dev/null | sed 's/^/${tag}cert|/'; done`,
      'true',
      ')',
    ].join('\n');
  });
  return [...base, ...ws].join('\n') + '\n';
}

const DISTRO_NAMES: Record<string, [string, string]> = {
  debian: ['Debian', 'Debian'],
  ubuntu: ['Ubuntu', 'Debian'],
  centos: ['CentOS', 'RedHat'],
  rhel: ['RedHat', 'RedHat'],
  rocky: ['Rocky', 'RedHat'],
  almalinux: ['AlmaLinux', 'RedHat'],
  fedora: ['Fedora', 'RedHat'],
  ol: ['OracleLinux', 'RedHat'],
  amzn: ['Amazon', 'RedHat'],
  alpine: ['Alpine', 'Alpine'],
  sles: ['SLES', 'Suse'],
  opensuse: ['openSUSE', 'Suse'],
};

/** Parse the script's output into facts (Ansible's names and values where Ansible has them). */
export function parseFacts(stdout: string): HostFacts {
  const os: Record<string, string> = {};
  const rel: Record<string, string> = {};
  const one: Record<string, string> = {};
  const servers = Object.fromEntries(
    webServers.map((w) => [
      w.kind,
      { installed: false, running: false, certificates: [] as string[], lines: [] as string[] },
    ]),
  ) as Record<WebServerKind, WebServerFacts & { lines: string[] }>;
  for (const line of stdout.split('\n')) {
    const [kind, ...rest] = line.split('|');
    if (kind === 'os')
      os[rest[0]] = rest
        .slice(1)
        .join('|')
        .replace(/^["']|["']$/g, '');
    else if (kind === 'rel') rel[rest[0]] = rest.slice(1).join('|');
    else if (kind === 'ws') {
      const s = servers[rest[0] as WebServerKind];
      const value = rest.slice(2).join('|');
      if (!s) continue;
      if (rest[1] === 'bin') Object.assign(s, { installed: true, binary: value });
      else if (rest[1] === 'version')
        s.version = webServers.find((w) => w.kind === rest[0])!.versionPattern.exec(value)?.[1];
      else if (rest[1] === 'config') s.config = value;
      else if (rest[1] === 'pid') Object.assign(s, { running: true, pid: Number(value) });
      else if (rest[1] === 'cert') s.lines.push(value);
    } else if (kind) one[kind] = rest.join('|');
  }
  for (const w of webServers) {
    const s = servers[w.kind];
    s.certificates = w.certPaths(s.lines);
    delete (s as Partial<typeof s>).lines;
  }
  const id = (
    os.ID ?? (rel['/etc/redhat-release'] ? 'rhel' : rel['/etc/debian_version'] ? 'debian' : 'unknown')
  ).toLowerCase();
  const [distribution, family] = DISTRO_NAMES[id] ?? [os.NAME ?? id, os.ID_LIKE?.split(' ')[0] ?? id];
  let version = os.VERSION_ID ?? /release (\S+)/.exec(rel['/etc/redhat-release'] ?? '')?.[1] ?? '';
  // Ansible reports Debian's point release from /etc/debian_version (12.11), not os-release's 12
  const dv = rel['/etc/debian_version'];
  if (id === 'debian' && dv && /^\d+(\.\d+)*$/.test(dv)) version = dv;
  return {
    distribution,
    distribution_version: version,
    distribution_major_version: version.split('.')[0],
    distribution_release: os.VERSION_CODENAME ?? /\(([^)]+)\)/.exec(os.VERSION ?? '')?.[1] ?? '',
    os_family: family,
    hostname: (one.hostname ?? '').split('.')[0],
    fqdn: one.fqdn ?? '',
    service_mgr: one.init ?? 'none',
    kernel: one.kernel ?? '',
    architecture: one.arch ?? '',
    certfleet_webservers: servers,
  };
}
