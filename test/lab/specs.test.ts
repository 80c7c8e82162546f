import { describe, expect, it } from 'vitest';
import { assignPorts, defaultSpecs, mapLimit, normalise } from './specs.js';

describe('lab specs', () => {
  it('expands a count into named hosts cycling distros and services', () => {
    const specs = defaultSpecs(5);
    expect(specs.map((s) => s.name)).toEqual(['host01', 'host02', 'host03', 'host04', 'host05']);
    expect(specs.map((s) => s.distro)).toEqual(['debian', 'ubuntu', 'centos', 'rhel', 'debian']);
    expect(specs.map((s) => s.services)).toEqual([
      ['nginx'],
      ['apache2'],
      ['haproxy'],
      ['nginx'],
      ['apache2'],
    ]);
    expect(defaultSpecs(120)[0].name).toBe('host001');
  });

  it('rejects bad counts, bad names and duplicates with one clear message', () => {
    expect(() => normalise(0)).toThrow('lab: hosts must be a positive integer, got 0');
    expect(() => normalise([{ name: 'Web_1' }])).toThrow(
      'lab: bad host name "Web_1" (lower-case letters, digits, dashes)',
    );
    expect(() => normalise([{ name: 'a' }, { name: 'a' }])).toThrow('lab: duplicate host name "a"');
  });

  it('defaults an explicit spec to debian without services and drops repeated services', () => {
    expect(normalise([{ name: 'a', services: ['nginx', 'nginx'] }])).toEqual([
      { name: 'a', distro: 'debian', services: ['nginx'] },
    ]);
  });

  it('gives the host its own services the usual ports first', async () => {
    const ports = await assignPorts(['apache2', 'nginx'], true);
    expect(ports).toEqual({
      apache2: { http: 80, https: 443 },
      nginx: { http: 8080, https: 8443 },
      haproxy: { http: 8081, https: 8444 },
    });
  });

  it('hands out distinct free loopback ports without namespaces', async () => {
    const a = await assignPorts(['nginx'], false);
    const b = await assignPorts(['nginx'], false);
    const all = [a, b].flatMap((p) => Object.values(p).flatMap((x) => [x.http, x.https]));
    expect(new Set(all).size).toBe(12);
    expect(all.every((p) => p >= 20000 && p < 32768)).toBe(true);
  });

  it('maps with bounded concurrency and rethrows the first failure', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([1, 2, 3, 4, 5, 6], 2, async (x) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return x * 2;
    });
    expect(out).toEqual([2, 4, 6, 8, 10, 12]);
    expect(peak).toBe(2);
    await expect(
      mapLimit([1, 2, 3], 2, (x) => (x === 2 ? Promise.reject(new Error('boom')) : Promise.resolve(x))),
    ).rejects.toThrow('boom');
  });
});
