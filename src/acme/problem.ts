/**
 * ACME problem formatting: acme-client throws `Error(detail)`; we add what the user needs to act —
 * the stage, the identifiers, the problem type and every subproblem — in one AcmeProblemError
 * (`acme: order for *.example.test: challenge dns-01 failed: urn:...:unauthorized: ...`).
 */
import { AcmeProblemError, CertfleetError } from '../errors.js';
import { RateLimitedError, type ProblemDoc } from './http.js';

/** Stages of an issuance, as named in messages. */
export type AcmeStage =
  | 'directory'
  | 'account'
  | 'new order'
  | 'authorization'
  | 'challenge dns-01'
  | 'finalize'
  | 'download'
  | 'revoke'
  | 'renewal info';

function identifierText(id: unknown): string {
  if (id && typeof id === 'object' && 'value' in id) return String(id.value);
  return '';
}

/** `type: detail` then `; sub: type: detail` for each subproblem. */
export function formatProblem(p: ProblemDoc): string {
  const head = [p.type, p.detail].filter(Boolean).join(': ');
  const subs = (p.subproblems ?? []).map((s) => {
    const who = identifierText(s.identifier);
    return `${who ? `${who}: ` : ''}${[s.type, s.detail].filter(Boolean).join(': ')}`;
  });
  return subs.length ? `${head} (${subs.join('; ')})` : head;
}

/**
 * Wrap any failure of an ACME step. Certfleet errors pass through unchanged (they already say
 * what failed); anything else becomes an AcmeProblemError naming the stage and identifiers.
 */
export function acmeFailure(
  err: unknown,
  stage: AcmeStage,
  identifiers: string[],
  problem?: ProblemDoc,
): CertfleetError {
  const what = identifiers.length ? `order for ${identifiers.join(', ')}` : 'request';
  // the transport raised it knowing only the URL: say which certificate's order it stopped
  if (err instanceof RateLimitedError && !err.message.startsWith(`acme: ${what}:`))
    return new RateLimitedError(err.url, err.retryAt, err.detail, `${what}: ${stage}`);
  if (err instanceof CertfleetError) return err;
  const detail = problem?.type ? formatProblem(problem) : (err as Error)?.message || String(err);
  return new AcmeProblemError(`acme: ${what}: ${stage} failed: ${detail}`, {
    cause: err,
    type: problem?.type,
    subproblems: problem?.subproblems,
    hint: hintFor(problem?.type),
  });
}

function hintFor(type?: string): string | undefined {
  switch (type?.replace('urn:ietf:params:acme:error:', '')) {
    case 'unauthorized':
    case 'incorrectResponse':
      return 'the CA did not see the TXT record: check the DNS provider settings and that every authoritative nameserver serves the zone';
    case 'dns':
      return 'the CA could not resolve the challenge name: check that the zone is delegated and served';
    case 'rejectedIdentifier':
      return 'the CA refuses to issue for this name (policy or blocklist)';
    case 'externalAccountRequired':
      return 'this CA needs an External Account Binding: set eab.kid and eab.hmac_key';
    default:
      return undefined;
  }
}
