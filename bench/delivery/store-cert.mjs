// Shared by the delivery benchmarks: put a certificate into a certfleet state dir the way the ACME
// store lays it out (certs/NAME/live/{cert,chain,fullchain,privkey}.pem, live/ swapped by rename).
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { leafFiles, selfSignedFiles } from '../../test/lab/pki.ts';

/** A local CA once, then a fresh leaf per call, laid out like the ACME store (live/ swapped by rename). */
export function storeCert(state, ca) {
  const live = join(state, 'certs', 'wild', 'live');
  const tmp = `${live}.new`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  leafFiles({
    ca: { certFile: ca.cert, keyFile: ca.key },
    keyFile: join(tmp, 'privkey.pem'),
    certFile: join(tmp, 'cert.pem'),
    cn: 'www.example.test',
    names: ['*.example.test'],
  });
  const leaf = readFileSync(join(tmp, 'cert.pem'), 'utf8');
  const caPem = readFileSync(ca.cert, 'utf8');
  writeFileSync(join(tmp, 'chain.pem'), caPem);
  writeFileSync(join(tmp, 'fullchain.pem'), leaf + caPem);
  rmSync(`${live}.old`, { recursive: true, force: true });
  try {
    renameSync(live, `${live}.old`);
  } catch {
    // first certificate: nothing to move aside
  }
  renameSync(tmp, live);
}

/** A throw-away local CA (EC P-256, 2 days) in `dir`; returns the paths storeCert signs with. */
export function makeCa(dir) {
  const ca = { cert: join(dir, 'ca.pem'), key: join(dir, 'ca.key') };
  selfSignedFiles({ keyFile: ca.key, certFile: ca.cert, cn: 'bench CA', days: 2 });
  return ca;
}
