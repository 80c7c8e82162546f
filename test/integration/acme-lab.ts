// Shared lab for the ACME integration tests: a real bind9 (rfc2136 + TSIG) and a real Pebble that
// validates DNS-01 by resolving through that bind9. Plus a hand-built module context (the engine
// runs acme_certificate on the control node; the connection must never be used).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as acme from 'acme-client';
import type { Connection } from '../../src/connections/connection.js';
import { forgetOrigin } from '../../src/acme/http.js';
import { startBind9, type Bind9Lab } from '../lab/bind9.js';
import { startPebble, type PebbleLab } from '../lab/pebble.js';
import type { AcmeCertificateParams } from '../../src/modules/acme_certificate.js';
import type { ModuleContext } from '../../src/modules/types.js';

export interface AcmeLab {
  bind: Bind9Lab;
  pebble: PebbleLab;
  dir: string;
  stop(): Promise<void>;
}

/** Start bind9 + Pebble (Pebble env e.g. PEBBLE_WFE_NONCEREJECT). */
export async function startAcmeLab(env: Record<string, string> = {}): Promise<AcmeLab> {
  const dir = mkdtempSync(join(tmpdir(), `certfleet-acme-${process.pid}-`));
  const bind = await startBind9({ zones: ['example.test', 'example.org'] });
  let pebble: PebbleLab;
  try {
    pebble = await startPebble({ dnsServer: `127.0.0.1:${bind.port}`, env });
  } catch (err) {
    await bind.stop();
    throw err;
  }
  return {
    bind,
    pebble,
    dir,
    stop: async () => {
      forgetOrigin(pebble.directoryUrl);
      await pebble.stop();
      await bind.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Module params for the lab (rfc2136 through the lab's bind9 with its TSIG key). */
export function labParams(lab: AcmeLab, extra: Partial<AcmeCertificateParams> = {}): AcmeCertificateParams {
  return {
    name: 'wild',
    domains: ['*.example.test', 'example.test'],
    directory: lab.pebble.directoryUrl,
    email: 'ops@example.test',
    ca_bundle: lab.pebble.caCertFile,
    state_dir: join(lab.dir, 'state'),
    dns: {
      provider: 'rfc2136',
      nameserver: `127.0.0.1:${lab.bind.port}`,
      tsig_key_name: lab.bind.tsig.name,
      tsig_algorithm: lab.bind.tsig.algorithm,
      tsig_secret: lab.bind.tsig.secret,
      nameservers: [`127.0.0.1:${lab.bind.port}`],
      authoritative_override: lab.bind.authoritativeOverride,
      propagation_timeout: 10,
      propagation_interval: 0.1,
    },
    ...extra,
  };
}

const noConnection = new Proxy({} as Connection, {
  get(_t, prop) {
    throw new Error(
      `acme_certificate used the host connection (${String(prop)}): it must run on the control node`,
    );
  },
});

/** A module context as the engine builds it for a control-node module. */
export function moduleContext<P>(
  params: P,
  opts: { check?: boolean; playbookDir: string; warnings?: string[] },
): ModuleContext<P> {
  return {
    params,
    host: 'localhost',
    vars: {},
    facts: {},
    conn: noConnection,
    check: opts.check ?? false,
    diff: false,
    become: false,
    searchPaths: { files: [], templates: [] },
    playbookDir: opts.playbookDir,
    render: (s) => s,
    warn: (m) => opts.warnings?.push(m),
    signal: new AbortController().signal,
  };
}

/** Counts every ACME request the process makes, by path (`/order-plz` is Pebble's newOrder). */
export function countRequests(): { paths: string[]; count(path: string): number; stop(): void } {
  const paths: string[] = [];
  const id = acme.axios.interceptors.request.use((config) => {
    if (config.url) paths.push(`${(config.method ?? 'get').toUpperCase()} ${new URL(config.url).pathname}`);
    return config;
  });
  return {
    paths,
    count: (p) => paths.filter((x) => x.endsWith(` ${p}`) || x.includes(` ${p}/`)).length,
    stop: () => acme.axios.interceptors.request.eject(id),
  };
}
