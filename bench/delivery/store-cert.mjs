// Shared by the delivery benchmarks: put a certificate into a certfleet state dir the way the ACME
// store lays it out (certs/NAME/live/{cert,chain,fullchain,privkey}.pem, live/ swapped by rename).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A local CA once, then a fresh leaf per call, laid out like the ACME store (live/ swapped by rename). */
export function storeCert(state, ca) {
  const live = join(state, 'certs', 'wild', 'live');
  const tmp = `${live}.new`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  execFileSync(
    'openssl',
    [
      'req',
      '-new',
      ...ec,
      '-keyout',
      join(tmp, 'privkey.pem'),
      '-out',
      join(tmp, 'csr'),
      '-subj',
      '/CN=www.example.test',
    ],
    { stdio: 'ignore' },
  );
  writeFileSync(join(tmp, 'ext'), 'subjectAltName=DNS:*.example.test\n');
  execFileSync(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      join(tmp, 'csr'),
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-CAcreateserial',
      '-out',
      join(tmp, 'cert.pem'),
      '-days',
      '2',
      '-extfile',
      join(tmp, 'ext'),
    ],
    { stdio: 'ignore' },
  );
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
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  execFileSync(
    'openssl',
    ['req', '-x509', ...ec, '-keyout', ca.key, '-out', ca.cert, '-days', '2', '-subj', '/CN=bench CA'],
    { stdio: 'ignore' },
  );
  return ca;
}
