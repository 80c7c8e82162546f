/**
 * How certfleet authenticates to sshd: the private key (read and parsed once per run, whatever the
 * number of hosts), then the agent — straight away, with no "none" attempt first (one round trip
 * and one sshd authentication less per host).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AuthenticationType, AuthMethod, ParsedKey } from 'ssh2';

/**
 * The authentication methods to try, in order: the key (parsed once per run, or `file`: ssh2 reads
 * the key file itself), then the agent.
 */
export function authMethods(
  username: string,
  key: ParsedKey | 'file' | undefined,
  agent: string | undefined,
): AuthenticationType[] | AuthMethod[] {
  if (key === 'file') return agent ? ['publickey', 'agent'] : ['publickey'];
  const methods: AuthMethod[] = [];
  if (key) methods.push({ type: 'publickey', username, key } as AuthMethod);
  if (agent) methods.push({ type: 'agent', username, agent } as AuthMethod);
  return methods.length ? methods : ['none'];
}

/** Private keys by file, read and parsed once per run instead of once per host. */
const keys = new Map<string, Promise<ParsedKey | undefined>>();

/** The parsed private key in `path`; undefined when ssh2 cannot parse it without help (encrypted). */
export function parsedKey(path: string): Promise<ParsedKey | undefined> {
  let p = keys.get(path);
  if (!p) {
    p = (async () => {
      try {
        const [data, mod] = await Promise.all([readFile(path), import('ssh2')]);
        // a CommonJS module: its exports are the default export under Node's ESM loader
        const { utils } = (mod as { default?: typeof mod }).default ?? mod;
        const k = utils.parseKey(data);
        const one = Array.isArray(k) ? (k as ParsedKey[])[0] : k;
        return one instanceof Error || !one?.isPrivateKey() ? undefined : one;
      } catch {
        return undefined; // ssh2 reads the file itself and reports what is wrong with it
      }
    })();
    keys.set(path, p);
  }
  return p;
}

/** The user's own default key, as ssh(1) looks for it. */
export function defaultKeyFile(): string | undefined {
  const dir = join(homedir(), '.ssh');
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(dir, f)).find((f) => existsSync(f));
}
