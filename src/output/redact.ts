/**
 * Secret redaction for every output path (terminal, --json events, logs, diffs, errors). Secrets are
 * registered as they are read (module secretParams, provider credentials, become passwords) and
 * replaced by `********` wherever they would be printed; PEM private-key blocks are always hidden.
 */

const secrets = new Set<string>();
const PRIVATE_KEY = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g;

/** Remember a secret value so that no output ever shows it (values shorter than 4 chars are ignored). */
export function registerSecret(value: unknown): void {
  if (typeof value === 'string' && value.length >= 4) secrets.add(value);
}

/** Replace every registered secret and any private-key block in `text`. */
export function redact(text: string): string {
  let out = text.replace(PRIVATE_KEY, '-----BEGIN $1PRIVATE KEY----- ******** -----END $1PRIVATE KEY-----');
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('********');
  return out;
}

/** Deep-copy a value with secret strings redacted (for --json events and registered results). */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return (value as unknown[]).map((v) => redactValue(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v);
    return out as T;
  }
  return value;
}
