/**
 * The demo's last word: which certificate does each lab host serve, seen from the control node with
 * SNI, and does it verify against the ACME CA's root? One line per host.
 */
import { openStore } from '../../../src/store/file-store.js';
import { probeTls } from '../../../src/delivery/tls-probe.js';
import type { Lab } from '../index.js';

/** Probe every host's TLS port; `ok` is true when all serve the stored serial with a valid chain. */
export async function servedTable(
  lab: Lab,
  stateDir: string,
  certName: string,
  rootPem: string,
  servername = 'www.example.test',
): Promise<{ text: string; ok: boolean }> {
  const stored = await openStore(stateDir).certs.readLive(certName);
  let ok = true;
  const lines = [`  stored certificate ${certName}: serial ${stored.serial}, until ${stored.notAfter}\n`];
  for (const h of lab.hosts) {
    const port = h.services[0] ? (h.ports[h.services[0]]?.https ?? 443) : 443;
    const where = `${h.name} (${h.services.join(',')}) ${h.ip}:${port}`.padEnd(34);
    try {
      const r = await probeTls({ address: h.ip, port, servername, ca: rootPem });
      const good = r.serial === stored.serial && r.authorized === true;
      ok &&= good;
      lines.push(
        `  ${good ? 'ok  ' : 'FAIL'} ${where} serial ${r.serial} ${r.protocol ?? ''} ${r.authorized ? 'chain+name verified' : `NOT verified: ${r.authorizationError}`}\n`,
      );
    } catch (err) {
      ok = false;
      lines.push(`  FAIL ${where} ${(err as Error).message}\n`);
    }
  }
  return { text: lines.join(''), ok };
}
