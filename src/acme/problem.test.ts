import { describe, expect, it } from 'vitest';
import { AcmeProblemError, LockError } from '../errors.js';
import { RateLimitedError } from './http.js';
import { acmeFailure, formatProblem } from './problem.js';

describe('ACME problems', () => {
  it('formats type, detail and every subproblem with its identifier', () => {
    expect(
      formatProblem({
        type: 'urn:ietf:params:acme:error:rejectedIdentifier',
        detail: 'Error creating new order',
        subproblems: [
          {
            type: 'urn:ietf:params:acme:error:rejectedIdentifier',
            detail: 'blocked',
            identifier: { type: 'dns', value: 'a.test' },
          },
          { type: 'urn:ietf:params:acme:error:malformed', detail: 'bad name' },
        ],
      }),
    ).toBe(
      'urn:ietf:params:acme:error:rejectedIdentifier: Error creating new order (a.test: urn:ietf:params:acme:error:rejectedIdentifier: blocked; urn:ietf:params:acme:error:malformed: bad name)',
    );
  });

  it('wraps a plain acme-client error with stage and identifiers; keeps certfleet errors as they are', () => {
    const e = acmeFailure(new Error('detail only'), 'finalize', ['*.a.test', 'a.test']);
    expect(e).toBeInstanceOf(AcmeProblemError);
    expect(e.message).toBe('acme: order for *.a.test, a.test: finalize failed: detail only');
    const lock = new LockError('locked');
    expect(acmeFailure(lock, 'new order', [])).toBe(lock);
  });

  it('says which order a rate limit stopped (the transport only knows the URL), once', () => {
    const at = new Date('2030-01-01T00:00:00.000Z');
    const raw = new RateLimitedError('https://ca.test/new-order', at, 'too many orders');
    expect(raw.message).toBe(
      'acme: rate limited at https://ca.test/new-order: too many orders; retry after 2030-01-01T00:00:00.000Z',
    );
    const e = acmeFailure(raw, 'new order', ['*.a.test', 'a.test']);
    expect(e).toBeInstanceOf(RateLimitedError);
    expect(e.message).toBe(
      'acme: order for *.a.test, a.test: new order: rate limited at https://ca.test/new-order: too many orders; retry after 2030-01-01T00:00:00.000Z',
    );
    expect((e as RateLimitedError).retryAt).toBe(at);
    expect(acmeFailure(e, 'new order', ['*.a.test', 'a.test'])).toBe(e);
  });
});
