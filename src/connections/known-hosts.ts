/**
 * OpenSSH known_hosts checking for the SSH connection: plain and hashed (`|1|salt|hash`) host names,
 * `[host]:port` for non-standard ports, wildcard and negated patterns, `@revoked` markers. We check the
 * key ourselves (ssh2 only hands us the raw key) so that a changed key can be refused with its
 * SHA256 fingerprint, exactly as `ssh` words it.
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One usable line of a known_hosts file. */
interface KnownHostEntry {
  line: number;
  marker?: string;
  patterns: string;
  keyType: string;
  keyBase64: string;
}

/** What the file says about a presented key. */
export type HostKeyVerdict =
  | { status: 'match'; line: number }
  | { status: 'mismatch'; line: number; expectedType: string }
  | { status: 'revoked'; line: number }
  | { status: 'unknown' };

/** The name under which OpenSSH records a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** `SHA256:...` fingerprint of a raw SSH public key blob, as `ssh-keygen -l` prints it. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The algorithm name at the start of an SSH public key blob (`ssh-ed25519`, `ssh-rsa`...). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

function parse(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const l = raw.trim();
    if (!l || l.startsWith('#')) return;
    const fields = l.split(/\s+/);
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    if (fields.length < 3) return;
    out.push({ line: i + 1, marker, patterns: fields[0], keyType: fields[1], keyBase64: fields[2] });
  });
  return out;
}

// One run checks every host against the same file: parse it once per version of the file, and
// compile each glob once (50 hosts x 50 lines re-parsed per handshake cost ~40 ms of the start).
const parsed = new Map<string, { text: string; entries: KnownHostEntry[] }>();
const globs = new Map<string, RegExp>();

/** The file's entries, parsed again only when its text changed (reading it is cheap, parsing not). */
function entriesOf(file: string): KnownHostEntry[] {
  const text = readFileSync(file, 'utf8');
  const hit = parsed.get(file);
  if (hit?.text === text) return hit.entries;
  const entries = parse(text);
  parsed.set(file, { text, entries });
  return entries;
}

function globMatch(pattern: string, name: string): boolean {
  let re = globs.get(pattern);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, 'i');
    globs.set(pattern, re);
  }
  return re.test(name);
}

/** Does a known_hosts host field (comma list, maybe hashed or negated) name this host? */
export function patternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const p of patterns.split(',')) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) matched = true;
  }
  return matched;
}

/** Key types recorded for this host (used to prefer them when negotiating, like OpenSSH does). */
export function knownKeyTypes(file: string, host: string, port: number): string[] {
  if (!existsSync(file)) return [];
  const name = knownHostsName(host, port);
  return entriesOf(file)
    .filter((e) => !e.marker && patternsMatch(e.patterns, name))
    .map((e) => e.keyType);
}

/** Check a presented host key against the file. A missing file means every host is unknown. */
export function checkHostKey(file: string, host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  if (!existsSync(file)) return { status: 'unknown' };
  const name = knownHostsName(host, port);
  const presented = keyBlob.toString('base64');
  const entries = entriesOf(file).filter((e) => patternsMatch(e.patterns, name));
  const revoked = entries.find((e) => e.marker === '@revoked' && e.keyBase64 === presented);
  if (revoked) return { status: 'revoked', line: revoked.line };
  const plain = entries.filter((e) => !e.marker);
  const hit = plain.find((e) => e.keyBase64 === presented);
  if (hit) return { status: 'match', line: hit.line };
  if (plain.length) return { status: 'mismatch', line: plain[0].line, expectedType: plain[0].keyType };
  return { status: 'unknown' };
}

/** Record a newly accepted host key (what `StrictHostKeyChecking=accept-new` does). */
export function appendHostKey(file: string, host: string, port: number, keyBlob: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const line = `${knownHostsName(host, port)} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}\n`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  appendFileSync(file, text && !text.endsWith('\n') ? `\n${line}` : line, { mode: 0o644 });
}

/** Filled in by the verifier so that the connect error can say why a host key was refused. */
export interface HostKeyState {
  problem?: string;
  hint?: string;
}

/**
 * An ssh2 `hostVerifier`: accept a known key, refuse a changed or revoked one (showing the SHA256
 * fingerprint and the known_hosts line), refuse an unknown one unless `acceptNew` (then record it).
 */
export function hostKeyVerifier(
  state: HostKeyState,
  o: { file: string; host: string; port: number; acceptNew: boolean },
): (key: Buffer) => boolean {
  return (key: Buffer) => {
    const fp = fingerprint(key);
    const type = keyTypeOf(key);
    const v = checkHostKey(o.file, o.host, o.port, key);
    if (v.status === 'match') return true;
    const name = knownHostsName(o.host, o.port);
    if (v.status === 'mismatch') {
      state.problem = `host key for ${name} has CHANGED (possible man-in-the-middle): server offered ${type} ${fp}, ${o.file}:${v.line} has a different ${v.expectedType} key`;
      state.hint = `if the change is expected, remove the old key: ssh-keygen -R '${name}' -f ${o.file}`;
      return false;
    }
    if (v.status === 'revoked') {
      state.problem = `host key ${type} ${fp} for ${name} is marked @revoked in ${o.file}:${v.line}`;
      return false;
    }
    if (o.acceptNew) {
      appendHostKey(o.file, o.host, o.port, key);
      return true;
    }
    state.problem = `host key for ${name} is not known (${type} ${fp}) and strict host key checking is on: not in ${o.file}`;
    state.hint = 'add it with ssh-keyscan, or set acceptNewHostKeys (--accept-new-host-keys) to record it';
    return false;
  };
}

const RSA_ALGOS = ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
const DEFAULT_ALGOS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  ...RSA_ALGOS,
];

/** ssh2's host key algorithms with the types known for this host first, so a known key is offered. */
export function preferredHostKeyAlgorithms(file: string, host: string, port: number): string[] {
  const known = knownKeyTypes(file, host, port).flatMap((t) => (t === 'ssh-rsa' ? RSA_ALGOS : [t]));
  return [...new Set([...known.filter((a) => DEFAULT_ALGOS.includes(a)), ...DEFAULT_ALGOS])];
}
