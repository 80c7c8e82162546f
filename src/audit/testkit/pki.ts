/**
 * Test PKI for audit tests: a root CA, an intermediate and leaf certificates made with the openssl
 * CLI (`openssl ca`, because only it can set past validity dates for expired certificates).
 * Used by unit and lab tests only.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A certificate with its key, as PEM text. */
export interface Issued {
  cert: string;
  key: string;
}

/** A CA that can issue certificates. */
export interface TestCa extends Issued {
  dir: string;
  name: string;
}

const ssl = (dir: string, args: string[]) =>
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

/** A fresh P-256 private key in PEM. */
export function newKey(dir: string): string {
  return ssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
}

function caConfig(dir: string): string {
  mkdirSync(join(dir, 'new'), { recursive: true });
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = cf',
      '[cf]',
      `dir = ${dir}`,
      'database = $dir/index.txt',
      'new_certs_dir = $dir/new',
      'rand_serial = yes',
      'default_md = sha256',
      'policy = anything',
      'unique_subject = no',
      'copy_extensions = none',
      '[anything]',
      'commonName = supplied',
    ].join('\n'),
  );
  return join(dir, 'ca.cnf');
}

let seq = 0;

/** Issue a certificate signed by `issuer` (self-signed when undefined). */
export function issue(
  dir: string,
  opts: {
    cn: string;
    names?: string[];
    issuer?: TestCa;
    ca?: boolean;
    /** validity window; default: yesterday until 90 days ahead */
    start?: Date;
    end?: Date;
    ocsp?: string;
    key?: string;
  },
): Issued {
  const work = join(dir, `pki-${process.pid}-${++seq}`);
  mkdirSync(work, { recursive: true });
  const key = opts.key ?? newKey(work);
  writeFileSync(join(work, 'key.pem'), key, { mode: 0o600 });
  ssl(work, ['req', '-new', '-key', 'key.pem', '-subj', `/CN=${opts.cn}`, '-out', 'req.csr']);
  const ext = [
    opts.ca ? 'basicConstraints = critical,CA:TRUE' : 'basicConstraints = CA:FALSE',
    opts.ca ? 'keyUsage = critical,keyCertSign,cRLSign' : 'keyUsage = critical,digitalSignature',
    'subjectKeyIdentifier = hash',
  ];
  if (opts.issuer) ext.push('authorityKeyIdentifier = keyid');
  if (opts.names?.length) ext.push(`subjectAltName = ${opts.names.map((n) => `DNS:${n}`).join(',')}`);
  if (opts.ocsp) ext.push(`authorityInfoAccess = OCSP;URI:${opts.ocsp}`);
  writeFileSync(join(work, 'ext.cnf'), ext.join('\n'));
  const fmt = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  const start = opts.start ?? new Date(Date.now() - 86_400_000);
  const end = opts.end ?? new Date(Date.now() + 90 * 86_400_000);
  const signer = opts.issuer?.dir ?? work;
  if (opts.issuer) {
    writeFileSync(join(signer, 'signer-key.pem'), opts.issuer.key, { mode: 0o600 });
    writeFileSync(join(signer, 'signer-cert.pem'), opts.issuer.cert);
  }
  const args = [
    'ca',
    '-batch',
    '-config',
    caConfig(join(work, 'db')),
    '-in',
    'req.csr',
    '-out',
    'cert.pem',
    '-notext',
  ];
  args.push('-startdate', fmt(start), '-enddate', fmt(end), '-extfile', 'ext.cnf');
  if (opts.issuer)
    args.push('-cert', join(signer, 'signer-cert.pem'), '-keyfile', join(signer, 'signer-key.pem'));
  else args.push('-selfsign', '-keyfile', 'key.pem');
  ssl(work, args);
  return { cert: readFileSync(join(work, 'cert.pem'), 'utf8'), key };
}

/** A root CA and an intermediate under it (the usual two-level public PKI). */
export function makeCas(dir: string, tag = 'Audit Test'): { root: TestCa; intermediate: TestCa } {
  const rootDir = join(dir, `root-${process.pid}-${++seq}`);
  mkdirSync(rootDir, { recursive: true });
  const r = issue(rootDir, { cn: `${tag} Root`, ca: true, end: new Date(Date.now() + 3650 * 86_400_000) });
  const root: TestCa = { ...r, dir: rootDir, name: `${tag} Root` };
  const intDir = join(dir, `int-${process.pid}-${++seq}`);
  mkdirSync(intDir, { recursive: true });
  const i = issue(intDir, {
    cn: `${tag} Intermediate`,
    ca: true,
    issuer: root,
    end: new Date(Date.now() + 1825 * 86_400_000),
  });
  return { root, intermediate: { ...i, dir: intDir, name: `${tag} Intermediate` } };
}
