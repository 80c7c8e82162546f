/**
 * What to build before anything starts: host specs (explicit or from a count), service ports, and a
 * bounded parallel map for booting hosts.
 */
import { freePort } from './ports.js';
import { LAB_DISTROS, LAB_SERVICES, type LabHostSpec, type LabService, type ServicePorts } from './types.js';

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Specs from a count: host01.., distros cycled, services cycled nginx → apache2 → haproxy. */
export function defaultSpecs(count: number): Required<LabHostSpec>[] {
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => ({
    name: `host${String(i + 1).padStart(width, '0')}`,
    distro: LAB_DISTROS[i % LAB_DISTROS.length],
    services: [LAB_SERVICES[i % LAB_SERVICES.length]],
  }));
}

/** Validate explicit specs (unique, DNS-safe names) or expand a count. */
export function normalise(hosts: number | LabHostSpec[]): Required<LabHostSpec>[] {
  if (typeof hosts === 'number') {
    if (!Number.isInteger(hosts) || hosts < 1)
      throw new Error(`lab: hosts must be a positive integer, got ${hosts}`);
    return defaultSpecs(hosts);
  }
  const seen = new Set<string>();
  return hosts.map((h) => {
    if (!NAME.test(h.name))
      throw new Error(`lab: bad host name "${h.name}" (lower-case letters, digits, dashes)`);
    if (seen.has(h.name)) throw new Error(`lab: duplicate host name "${h.name}"`);
    seen.add(h.name);
    return { name: h.name, distro: h.distro ?? 'debian', services: [...new Set(h.services ?? [])] };
  });
}

/**
 * Ports per service: the host's own services first. With namespaces every host has the usual ports
 * (first service 80/443, second 8080/8443, third 8081/8444); without, each gets free loopback ports.
 */
export async function assignPorts(
  services: LabService[],
  netns: boolean,
): Promise<Record<LabService, ServicePorts>> {
  const order = [...services, ...LAB_SERVICES.filter((s) => !services.includes(s))];
  const fixed: ServicePorts[] = [
    { http: 80, https: 443 },
    { http: 8080, https: 8443 },
    { http: 8081, https: 8444 },
  ];
  const out = {} as Record<LabService, ServicePorts>;
  for (const [i, s] of order.entries()) {
    out[s] = netns ? fixed[i] : { http: await freePort(), https: await freePort() };
  }
  return out;
}

/** Map with at most `limit` calls in flight; the first failure stops new calls and is rethrown. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  // An object, not a `let`: TypeScript does not see assignments made inside the workers.
  const failure: { err?: Error } = {};
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure.err) {
      const i = next++;
      try {
        out[i] = await fn(items[i], i);
      } catch (err) {
        failure.err ??= err instanceof Error ? err : new Error(String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure.err) throw failure.err;
  return out;
}
