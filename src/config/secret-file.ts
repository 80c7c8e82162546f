/**
 * Credentials files readable by others: like certbot does for its DNS plugin `.ini` files, certfleet
 * warns when a variables file that holds credentials (TSIG secret, OVH/AWS keys, passwords) can be
 * read by group or others. A warning, not an error: the run goes on, the user learns to `chmod 600`.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { registerSecret } from '../output/redact.js';

/**
 * Variable names that hold credentials (matched anywhere in the name, case-insensitive). A TSIG key
 * (`tsig_key`) is one, its name and algorithm (`tsig_key_name`, `tsig_algorithm`) are not: their
 * values must stay readable in messages (`TSIG key "NAME" ...`).
 */
const SECRET_NAME =
  /secret|password|passwd|token|consumer_key|application_key|api_key|access_key|private_key|tsig_key(?!_name)/i;

// names that point at a secret rather than hold it (ansible_ssh_private_key_file, ..._dir, ..._path)
const POINTER_NAME = /_(file|path|dir)$/i;

/** Credential-looking variables (name → non-empty string value), recursively. */
function credentialEntries(value: unknown, out: Map<string, string[]>, depth: number): void {
  // bounded: vars files are shallow; a pathological nesting must not cost a stack overflow
  if (depth > 32 || !value || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string' && v !== '' && SECRET_NAME.test(k) && !POINTER_NAME.test(k))
      out.set(k, [...(out.get(k) ?? []), v]);
    else if (v && typeof v === 'object') credentialEntries(v, out, depth + 1);
  }
}

/** Names of the credential-looking variables with a non-empty string value, recursively, sorted. */
export function credentialNames(value: unknown): string[] {
  const found = new Map<string, string[]>();
  credentialEntries(value, found, 0);
  return [...found.keys()].sort();
}

/**
 * Register every credential-looking value of a vars mapping (vars_files, `-e`) for redaction, as the
 * inventory does for its own variables: a `debug` of `tsig_secret` must print `********`.
 */
export function registerCredentials(value: unknown): void {
  const found = new Map<string, string[]>();
  credentialEntries(value, found, 0);
  for (const values of found.values()) for (const v of values) registerSecret(v);
}

const warned = new Set<string>();

/**
 * The warning for `file` when it holds credentials and its mode lets group/others read it, else
 * undefined. Names the variables, never their values.
 */
export function exposedSecretWarning(file: string, value: unknown): string | undefined {
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    return undefined; // unreadable files are reported by the reader itself
  }
  if ((mode & 0o044) === 0) return undefined;
  const names = credentialNames(value);
  if (!names.length) return undefined;
  const who = mode & 0o004 ? (mode & 0o040 ? 'group and others' : 'others') : 'group';
  const octal = mode.toString(8).padStart(4, '0');
  return (
    `${file} is readable by ${who} (mode ${octal}) and holds credentials ` +
    `(${names.join(', ')}); run: chmod 600 ${file}`
  );
}

/**
 * For a vars file just read: register its credentials for redaction, and print `[WARNING]: ...` on
 * stderr (once per file) when `exposedSecretWarning` finds it readable by others.
 */
export function warnIfSecretFileExposed(
  file: string,
  value: unknown,
  write: (line: string) => void = (l) => process.stderr.write(l),
): void {
  registerCredentials(value);
  const key = resolve(file);
  if (warned.has(key)) return;
  const message = exposedSecretWarning(file, value);
  if (!message) return;
  warned.add(key);
  write(`[WARNING]: ${message}\n`);
}
