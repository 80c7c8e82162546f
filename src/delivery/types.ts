/**
 * What a delivery step needs from its caller and gives back — delivery's own types, so the modules
 * that drive it (cert_deploy, tls_site) depend on delivery and never the other way round.
 */
import type { Connection } from '../connections/connection.js';
import type { FileDiff } from '../output/diff.js';

/** One host as a delivery step sees it. */
export interface HostTarget {
  conn: Connection;
  become: boolean;
  /** plan only: decide and diff, write nothing */
  check: boolean;
  /** compute diffs */
  diff: boolean;
}

/** What a delivery step did (or would do in check mode); modules return it as their result. */
export interface DeliveryOutcome {
  changed: boolean;
  msg?: string;
  diff?: FileDiff[];
  /** values exposed to `register` */
  data?: Record<string, unknown>;
  /** said once as `[WARNING]: ...` */
  warnings?: string[];
}
