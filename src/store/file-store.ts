/**
 * The file store: everything under one state directory (0700) — `certs/` (certbot-like live,
 * archive and meta), `accounts/`, and one `<kind>-journal.json` per journal. The default backend.
 */
import { FileAccountStore } from './file-accounts.js';
import { FileCertificateStore } from './file-certs.js';
import { FileJournal } from './file-journal.js';
import type { Journal, StateStore } from './types.js';

/** The state kept in directory `dir`. */
export class FileStateStore implements StateStore {
  readonly certs: FileCertificateStore;
  readonly accounts: FileAccountStore;

  constructor(readonly dir: string) {
    this.certs = new FileCertificateStore(dir);
    this.accounts = new FileAccountStore(dir);
  }

  get location(): string {
    return this.dir;
  }

  journal<T extends K, K extends object>(kind: string, same: (a: K, b: K) => boolean): Journal<T, K> {
    return new FileJournal<T, K>(this.dir, kind, same);
  }
}

/** The store at a location (today: a state directory). */
export function openStore(location: string): StateStore {
  return new FileStateStore(location);
}
