/**
 * One DNS-01 issuance over acme-client: one order for every identifier, every dns-01 value presented
 * in ONE DNS step (one propagation wait), all challenges answered inside it, then finalize with a
 * fresh key's CSR and download the chain (`preferred_chain` by issuer CN among the alternates).
 */
import type * as acme from 'acme-client';
import { AcmeProblemError } from '../errors.js';
import { createCsr, generateKey, splitPem, type KeyType } from './crypto.js';
import { currentAcmeContext } from './http.js';
import { acmeFailure, type AcmeStage } from './problem.js';

/** Presents the TXT values, runs fn, cleans up (the DNS core's withDnsChallenges, bound to its options). */
export type ChallengeRunner = <T>(
  items: { domain: string; value: string }[],
  fn: () => Promise<T>,
) => Promise<T>;

/** What to issue. */
export interface IssueRequest {
  domains: string[];
  keyType: KeyType;
  profile?: string;
  preferredChain?: string;
  /** ARI certID of the certificate this one replaces (RFC 9773 §5) */
  replaces?: string;
  runChallenges: ChallengeRunner;
  log?: (line: string) => void;
}

/** The issued material (the key is a secret: never print it). */
export interface Issued {
  certPem: string;
  chainPem: string;
  fullchainPem: string;
  keyPem: string;
  orderUrl: string;
  /** false when the server refused `replaces` (alreadyReplaced) and we ordered without it */
  replacesSent: boolean;
}

/** The directory object (acme-client keeps it private; we need meta.profiles and renewalInfo). */
export async function getDirectory(client: acme.Client): Promise<Record<string, unknown>> {
  const http = (client as unknown as { http: { getDirectory(): Promise<void>; directory: unknown } }).http;
  await http.getDirectory();
  const dir = (http as unknown as { directoryCache?: Record<string, unknown> }).directoryCache;
  return dir ?? {};
}

async function step<T>(stage: AcmeStage, ids: string[], fn: () => Promise<T>): Promise<T> {
  const ctx = currentAcmeContext();
  if (ctx) ctx.lastProblem = undefined;
  try {
    return await fn();
  } catch (err) {
    throw acmeFailure(err, stage, ids, ctx?.lastProblem);
  }
}

/** Issue a certificate for `req.domains` with an account client. */
export async function issueCertificate(client: acme.Client, req: IssueRequest): Promise<Issued> {
  const ids = req.domains;
  const log = req.log ?? (() => {});
  const directory = await step('directory', ids, () => getDirectory(client));
  const meta = (directory.meta ?? {}) as { profiles?: Record<string, string> };
  if (req.profile) {
    const offered = Object.keys(meta.profiles ?? {});
    if (!offered.includes(req.profile)) {
      throw new AcmeProblemError(
        `acme: order for ${ids.join(', ')}: profile "${req.profile}" is not offered by the directory` +
          (offered.length ? ` (offered: ${offered.join(', ')})` : ' (it advertises no profiles)'),
      );
    }
  }
  const payload: Record<string, unknown> = { identifiers: ids.map((value) => ({ type: 'dns', value })) };
  if (req.profile) payload.profile = req.profile;
  let replacesSent = false;
  let order: acme.Order;
  if (req.replaces && directory.renewalInfo) {
    try {
      order = await step('new order', ids, () =>
        client.createOrder({ ...payload, replaces: req.replaces } as never),
      );
      replacesSent = true;
    } catch (err) {
      if (!(err instanceof AcmeProblemError) || !err.type?.endsWith(':alreadyReplaced')) throw err;
      log(`the CA says ${req.replaces} was already replaced: ordering without "replaces"`);
      order = await step('new order', ids, () => client.createOrder(payload as never));
    }
  } else {
    order = await step('new order', ids, () => client.createOrder(payload as never));
  }
  const authzs = await step('authorization', ids, () => client.getAuthorizations(order));
  const pending: {
    authz: acme.Authorization;
    challenge: acme.Authorization['challenges'][number];
    name: string;
  }[] = [];
  const items: { domain: string; value: string }[] = [];
  for (const authz of authzs) {
    const name = `${authz.wildcard ? '*.' : ''}${authz.identifier.value}`;
    if (authz.status === 'valid') continue;
    const challenge = authz.challenges.find((c) => c.type === 'dns-01');
    if (!challenge) {
      const offered = authz.challenges.map((c) => c.type).join(', ');
      throw new AcmeProblemError(
        `acme: order for ${ids.join(', ')}: ${name}: no dns-01 challenge offered (offered: ${offered})`,
      );
    }
    const value = await client.getChallengeKeyAuthorization(challenge);
    pending.push({ authz, challenge, name });
    items.push({ domain: authz.identifier.value, value });
  }
  log(`order ${order.url}: ${pending.length} dns-01 challenge(s) for ${ids.join(', ')}`);
  if (items.length) {
    await req.runChallenges(items, async () => {
      // answer every challenge first so the CA validates them in parallel, then wait for each
      for (const p of pending)
        await step('challenge dns-01', [p.name], () => client.completeChallenge(p.challenge));
      for (const p of pending) await waitAuthz(client, p.authz, p.name);
    });
  }
  const keyPem = generateKey(req.keyType);
  const csr = await createCsr(ids, keyPem);
  const finalized = await step('finalize', ids, async () => {
    const ready = await client.waitForValidStatus(order);
    const fin = await client.finalizeOrder(ready, csr);
    // the finalize response carries no URL; acme-client needs it to poll `processing` → `valid`
    return fin.status === 'valid'
      ? { ...fin, url: order.url }
      : client.waitForValidStatus({ ...fin, url: order.url });
  });
  const fullchainPem = await step('download', ids, () =>
    client.getCertificate(finalized, req.preferredChain),
  );
  const certs = splitPem(fullchainPem);
  return {
    certPem: certs[0],
    chainPem: certs.slice(1).join(''),
    fullchainPem: certs.join(''),
    keyPem,
    orderUrl: order.url,
    replacesSent,
  };
}

/** Wait for an authorization; on failure report the challenge's own error (type + subproblems). */
async function waitAuthz(client: acme.Client, authz: acme.Authorization, name: string): Promise<void> {
  try {
    await client.waitForValidStatus(authz);
  } catch (err) {
    const api = (
      client as unknown as { api: { getAuthorization(u: string): Promise<{ data: acme.Authorization }> } }
    ).api;
    let problem;
    try {
      const fresh = (await api.getAuthorization(authz.url)).data;
      problem = fresh.challenges.find((c) => c.type === 'dns-01')?.error as never;
    } catch {
      problem = undefined;
    }
    throw acmeFailure(err, 'challenge dns-01', [name], problem);
  }
}
