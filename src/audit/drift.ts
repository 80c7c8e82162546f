/**
 * Inventory drift: the distribution and web servers a host really has against what the inventory
 * declares in its `distro` and `webserver` variables.
 */
import { finding } from './findings.js';
import { kindOf } from '../webservers/kind.js';
import type { Finding, HostFacts } from './types.js';

/** The `webservers`/`webserver` variable as a list of names (a string, a list, or absent). */
export function declaredWebservers(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.map(String);
  return undefined;
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9.]/g, '');

/** Does a declared distro (`debian`, `debian12`, `Debian-12`, `centos9`) fit the host's os-release? */
export function distroMatches(declared: string, os: Record<string, string>): boolean {
  const id = norm(os.ID ?? '');
  const version = norm(os.VERSION_ID ?? '');
  const d = norm(declared);
  return d === id || d === `${id}${version}` || d === `${id}${version.split('.')[0]}`;
}

/** WEBSERVER_DRIFT and DISTRO_DRIFT findings for one host. */
export function driftFindings(host: string, vars: Record<string, unknown>, facts: HostFacts): Finding[] {
  const out: Finding[] = [];
  const distro = vars.distro;
  if (typeof distro === 'string' && distro && !distroMatches(distro, facts.osRelease)) {
    const real = facts.osRelease.PRETTY_NAME ?? facts.osRelease.ID ?? 'unknown';
    out.push(finding('DISTRO_DRIFT', host, `inventory says distro "${distro}", host runs ${real}`));
  }
  const declared = declaredWebservers(vars.webservers ?? vars.webserver);
  if (declared) {
    const want = new Set<string>(declared.map((w): string => kindOf(w) ?? w.toLowerCase()));
    const have = new Set<string>(facts.running);
    const missing = [...want].filter((w) => !have.has(w));
    const extra = [...have].filter((w) => !want.has(w));
    if (missing.length || extra.length) {
      const running = facts.running.length ? facts.running.join(', ') : 'no web server';
      out.push(
        finding(
          'WEBSERVER_DRIFT',
          host,
          `inventory says webserver ${declared.join(', ')}, host runs ${running}`,
        ),
      );
    }
  }
  return out;
}
