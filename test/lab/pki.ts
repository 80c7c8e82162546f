/**
 * The lab's throw-away PKI, made with the openssl CLI: EC P-256 keys, self-signed certificates
 * (`selfSignedFiles`: a test CA or a server certificate in two files), leaves signed by such a CA
 * (`leafFiles`), and CAs, intermediates and leaves with any validity window (`issue`, through `openssl ca`, because only it can set past dates
 * for expired certificates). Used by tests, the benchmarks and the lab's Pebble; never by certfleet.
 */
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
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

/** openssl's own output is noise; its errors go to the exception. */
const QUIET = { stdio: ['ignore', 'ignore', 'pipe'] } satisfies ExecFileSyncOptions;

/** `DNS:name` for names, `IP:addr` for addresses, comma-separated. */
function subjectAltNames(names: string[]): string {
  return names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
}

/**
 * A self-signed EC P-256 certificate written to `certFile`, its key to `keyFile` (0600). openssl's
 * default configuration marks it as a CA, so it can sign leaves too.
 */
export function selfSignedFiles(opts: {
  keyFile: string;
  certFile: string;
  cn: string;
  /** validity in days (default 30) */
  days?: number;
  /** subject alternative names: DNS names or IP addresses */
  names?: string[];
}): void {
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  args.push('-keyout', opts.keyFile, '-out', opts.certFile, '-days', String(opts.days ?? 30));
  args.push('-subj', `/CN=${opts.cn}`);
  if (opts.names?.length) args.push('-addext', `subjectAltName=${subjectAltNames(opts.names)}`);
  execFileSync('openssl', args, QUIET);
  chmodSync(opts.keyFile, 0o600);
}

/**
 * A leaf certificate for `names` signed by a CA's files, written to `certFile`, its new EC P-256 key
 * to `keyFile` (0600). The serial is random unless given (hex, without 0x).
 */
export function leafFiles(opts: {
  ca: { certFile: string; keyFile: string };
  keyFile: string;
  certFile: string;
  names: string[];
  /** default: the first name */
  cn?: string;
  /** validity in days (default 2) */
  days?: number;
  serial?: string;
}): void {
  const csr = `${opts.certFile}.csr`;
  const ext = `${opts.certFile}.ext`;
  const req = ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  req.push('-keyout', opts.keyFile, '-out', csr, '-subj', `/CN=${opts.cn ?? opts.names[0]}`);
  execFileSync('openssl', req, QUIET);
  chmodSync(opts.keyFile, 0o600);
  writeFileSync(ext, `subjectAltName=${subjectAltNames(opts.names)}\n`);
  const x509 = ['x509', '-req', '-in', csr, '-CA', opts.ca.certFile, '-CAkey', opts.ca.keyFile];
  x509.push('-out', opts.certFile, '-days', String(opts.days ?? 2), '-extfile', ext);
  if (opts.serial) x509.push('-set_serial', `0x${opts.serial}`);
  try {
    execFileSync('openssl', x509, QUIET);
  } finally {
    rmSync(csr, { force: true });
    rmSync(ext, { force: true });
  }
}

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
  if (opts.names?.length) ext.push(`subjectAltName = ${subjectAltNames(opts.names)}`);
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
