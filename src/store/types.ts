/**
 * The state certfleet keeps on the control node, as an interface with one backend per kind of
 * storage: the file store of `state_dir` (the default, certbot-like `live/` layout) and, later, a
 * shared database. Everything that is state goes through it — certificates and their history,
 * ACME accounts, cleanup journals, locks — so a second backend implements this and nothing else.
 */

/** meta.json of a certificate (no secrets). */
export interface CertMeta {
  name: string;
  domains: string[];
  serial: string;
  not_before: string;
  not_after: string;
  key_type: string;
  issuer: string;
  directory: string;
  email?: string;
  profile?: string;
  version: number;
  issued_at: string;
  last_check?: string;
  ari?: {
    cert_id: string;
    window?: { start: string; end: string };
    chosen?: string;
    retry_after?: string;
    explanation_url?: string;
  };
  /** the dns settings without secrets, so `certs renew` can reuse them */
  dns?: Record<string, unknown>;
  renew?: { ari?: boolean; fraction?: number };
  /** settings reused by `certfleet certs renew` */
  ca_bundle?: string;
  preferred_chain?: string;
  account_key_type?: string;
  revoked_at?: string;
}

/** The four PEM files of a version. */
export interface CertFiles {
  cert: string;
  chain: string;
  fullchain: string;
  privkey: string;
}

/** The PEM files of one stored certificate plus what the engine needs to know about it. */
export interface StoredCert {
  name: string;
  /** directory holding the PEM files */
  liveDir: string;
  cert: string;
  chain: string;
  fullchain: string;
  privkey: string;
  /** upper-case hex, no colons (as Node's `getPeerCertificate().serialNumber`) */
  serial: string;
  notAfter: string;
  /** DNS names from subjectAltName */
  names: string[];
}

/** Steps of save(), reported to `onStep` (the crash tests kill the process at each). */
export type SaveStep =
  'archive-written' | 'live-staged' | 'live-moved-away' | 'live-swapped' | 'meta-written';

/** A held lock; release() is idempotent. */
export interface HeldLock {
  /** where the lock is, for messages */
  path: string;
  release(): Promise<void>;
}

/** Stored facts of an ACME account (no key material). */
export interface AccountRecord {
  directory: string;
  email: string;
  url: string;
  created: string;
}

/** Certificates: meta, live files, history, one lock each. */
export interface CertificateStore {
  /** names of stored certificates, sorted */
  names(): Promise<string[]>;
  /** the stored meta, or undefined; read-only (never repairs: that needs the lock) */
  readMeta(name: string): Promise<CertMeta | undefined>;
  /** the live certificate; ModuleError when absent or unreadable; the key is registered as a secret */
  readLive(name: string): Promise<StoredCert>;
  /** take the per-certificate lock (LockError when another live run holds it) */
  lock(name: string): Promise<HeldLock>;
  /** finish or undo an interrupted save; call with the lock held */
  recover(name: string): Promise<void>;
  /** store a new version and make it live; call with the lock held */
  save(
    name: string,
    files: CertFiles,
    meta: Omit<CertMeta, 'version'>,
    onStep?: (s: SaveStep) => void,
  ): Promise<CertMeta>;
  /** update meta only (ARI window, last check); call with the lock held */
  writeMeta(name: string, meta: CertMeta): Promise<void>;
  /** where the live files are on the control node (what a mount delivery exports) */
  livePaths(name: string): CertFiles;
}

/** ACME accounts, one per directory URL and email. */
export interface AccountStore {
  /** the account key (PEM) and record, each when stored */
  read(directory: string, email: string): Promise<{ key?: string; record?: AccountRecord }>;
  /** store the key before the account is registered (a crash then reuses it) */
  writeKey(directory: string, email: string, keyPem: string): Promise<void>;
  writeRecord(record: AccountRecord): Promise<void>;
}

/**
 * Entries of one kind (e.g. DNS TXT values) that must be cleaned up even after a crash; `K` is the
 * part of an entry that identifies it (what `remove` is given).
 */
export interface Journal<T extends K, K extends object = T> {
  read(): Promise<T[]>;
  /** record entries (an entry already there is not added twice) */
  add(entries: T[]): Promise<void>;
  /** forget entries */
  remove(entries: K[]): Promise<void>;
}

/** One store: where it is, and its parts. */
export interface StateStore {
  /** a description for messages: the directory, or a URL without its password */
  readonly location: string;
  readonly certs: CertificateStore;
  readonly accounts: AccountStore;
  /** the journal of `kind`; `same` tells two entries for the same thing */
  journal<T extends K, K extends object>(kind: string, same: (a: K, b: K) => boolean): Journal<T, K>;
}
