/**
 * Send one RFC 2136 UPDATE (TSIG-signed when a key is given) over TCP and turn every refusal into
 * one clear `rfc2136:` error naming the record, the server and the RCODE or TSIG error by name.
 */
import { DnsProviderError } from '../../../errors.js';
import { exchange, formatServer, newId, type ServerAddress } from '../../resolver.js';
import { TSIG_ERRORS, readTsig, signMessage, verifyAnswer, type TsigKeyMaterial } from './tsig.js';
import { updateMessage, type TxtChange } from './wire.js';

/** RCODE names (RFC 1035, RFC 2136 §2.2). */
export const RCODES: Record<number, string> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  6: 'YXDOMAIN',
  7: 'YXRRSET',
  8: 'NXRRSET',
  9: 'NOTAUTH',
  10: 'NOTZONE',
};

/** Where and how to send updates. */
export interface UpdateTarget {
  server: ServerAddress;
  key?: TsigKeyMaterial;
  timeoutMs?: number;
}

function explain(name: string, zone: string, key?: TsigKeyMaterial): string | undefined {
  const k = key ? `TSIG key "${key.name}"` : 'the TSIG key';
  switch (name) {
    case 'BADKEY':
      return `${k} unknown to the server, or known with another algorithm than ${key?.algorithm ?? '?'}`;
    case 'BADSIG':
      return `${k} is known but the signature does not verify: wrong secret`;
    case 'BADTIME':
      return 'the clocks of this machine and the server differ by more than 300 s';
    case 'BADALG':
      return `the server does not support ${key?.algorithm ?? 'this algorithm'}`;
    case 'REFUSED':
      return key
        ? `update-policy does not let ${k} change TXT records here`
        : 'the server requires a TSIG key (set tsig_key_name and tsig_secret)';
    case 'NOTAUTH':
      return `the server is not authoritative (primary) for zone ${zone}`;
    case 'NOTZONE':
      return `the record is not inside zone ${zone}`;
    case 'SERVFAIL':
      return 'the server failed to apply the update (see its log)';
    default:
      return undefined;
  }
}

/**
 * Apply `changes` to `zone` in one UPDATE. Adds never replace an RRset; deleting a value that is
 * already gone is a no-op for the server (RFC 2136 §3.4.2.4), so cleanup tolerates it naturally.
 */
export async function sendUpdate(
  target: UpdateTarget,
  zone: string,
  changes: TxtChange[],
  signal?: AbortSignal,
): Promise<void> {
  const what = `${changes[0]?.op === 'delete' ? 'removal from' : 'update of'} ${changes[0]?.fqdn}`;
  const where = formatServer(target.server);
  const plain = updateMessage(newId(), zone, changes);
  const signed = target.key ? signMessage(plain, target.key) : { message: plain, mac: Buffer.alloc(0) };
  let answer: Buffer;
  try {
    answer = await exchange(target.server, signed.message, {
      tcp: true,
      timeoutMs: target.timeoutMs ?? 10_000,
      signal,
    });
  } catch (err) {
    throw new DnsProviderError(`rfc2136: ${what} failed: ${where}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const rcode = answer.readUInt16BE(2) & 0xf;
  const tsig = readTsig(answer);
  // a TSIG error (BADKEY/BADSIG/BADTIME) says more than the NOTAUTH rcode that carries it
  const name =
    tsig && tsig.error
      ? (TSIG_ERRORS[tsig.error] ?? `TSIG error ${tsig.error}`)
      : (RCODES[rcode] ?? `RCODE ${rcode}`);
  if (rcode !== 0 || (tsig && tsig.error)) {
    const why = explain(name, zone, target.key);
    throw new DnsProviderError(`rfc2136: ${what} refused by ${where}: ${name}${why ? ` (${why})` : ''}`, {
      hint:
        name === 'BADKEY'
          ? 'compare tsig_key_name and tsig_algorithm with the key statement in named.conf'
          : undefined,
    });
  }
  if (target.key) {
    const bad = verifyAnswer(answer, target.key, signed.mac);
    if (bad)
      throw new DnsProviderError(`rfc2136: ${what}: answer from ${where} failed TSIG verification: ${bad}`);
  }
}
