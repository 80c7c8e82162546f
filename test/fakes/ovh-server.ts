/**
 * A local HTTPS server speaking the subset of the OVH API that certfleet uses, checking what OVH
 * checks: application key, consumer key (validated, with access rules), timestamp drift against its
 * own clock, and the `$1$` SHA-1 signature of AS+CK+METHOD+URL+BODY+TS. Records reach the REAL
 * bind9 through RFC 2136 only on POST .../refresh, as on OVH where changes wait for a refresh.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendUpdate, type UpdateTarget } from '../../src/dns/providers/rfc2136/update.js';
import { selfSignedFiles } from '../lab/pki.js';
import type { TxtChange } from '../../src/dns/providers/rfc2136/wire.js';

export interface OvhFakeOptions {
  zones: string[];
  /** where refreshes are applied (the lab's bind9) */
  bind9: UpdateTarget;
  applicationKey: string;
  applicationSecret: string;
  /** a consumer key valid for everything (more can be requested through /auth/credential) */
  consumerKey: string;
}

export interface OvhRecord {
  id: number;
  zone: string;
  fieldType: string;
  subDomain: string;
  target: string;
  ttl: number;
}

export interface OvhFake {
  /** `https://127.0.0.1:PORT/1.0` (the provider's `endpoint`) */
  url: string;
  /** PEM of the self-signed certificate to trust */
  ca: string;
  /** every request: method, path and the status answered */
  requests: { method: string; path: string; status: number }[];
  /** failure injection */
  knobs: { failNext: number; failStatus: number; rejectSignatures: boolean; clockOffsetSec: number };
  records(zone: string): OvhRecord[];
  /** what a user does in a browser at the validation URL */
  validate(validationUrl: string): void;
  stop(): Promise<void>;
}

interface Credential {
  rules: { method: string; path: string }[] | 'all';
  validated: boolean;
}

/** A self-signed certificate for 127.0.0.1 (openssl; test setup only). */
function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'certfleet-ovh-tls-'));
  try {
    const [keyFile, certFile] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    selfSignedFiles({ keyFile, certFile, cn: '127.0.0.1', days: 1, names: ['127.0.0.1', 'localhost'] });
    return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function send(res: ServerResponse, status: number, body: unknown): number {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(text);
  return status;
}

function ovhError(res: ServerResponse, status: number, errorCode: string, message: string): number {
  return send(res, status, { errorCode, httpCode: `${status}`, message });
}

/** Start the fake on a free port. */
export async function startOvhFake(opts: OvhFakeOptions): Promise<OvhFake> {
  const tls = selfSigned();
  const zones = new Set(opts.zones.map((z) => z.replace(/\.$/, '')));
  const records = new Map<number, OvhRecord>();
  const pending: { zone: string; change: TxtChange }[] = [];
  const credentials = new Map<string, Credential>([[opts.consumerKey, { rules: 'all', validated: true }]]);
  const tokens = new Map<string, string>();
  let nextId = 1000;
  const knobs = { failNext: 0, failStatus: 500, rejectSignatures: false, clockOffsetSec: 0 };
  const requests: OvhFake['requests'] = [];
  const now = (): number => Math.round(Date.now() / 1000) + knobs.clockOffsetSec;

  const handle = async (req: IncomingMessage, res: ServerResponse, body: string): Promise<number> => {
    const url = new URL(req.url ?? '/', 'https://fake');
    const path = url.pathname.replace(/^\/1\.0/, '');
    const method = req.method ?? 'GET';
    if (knobs.failNext > 0) {
      knobs.failNext--;
      return ovhError(res, knobs.failStatus, 'INTERNAL_ERROR', 'Internal server error');
    }
    if (method === 'GET' && path === '/auth/time') return send(res, 200, now());
    if (req.headers['x-ovh-application'] !== opts.applicationKey) {
      return ovhError(res, 403, 'INVALID_KEY', 'Invalid application key');
    }
    if (method === 'POST' && path === '/auth/credential') {
      const parsed = JSON.parse(body || '{}') as { accessRules?: { method: string; path: string }[] };
      if (!Array.isArray(parsed.accessRules) || !parsed.accessRules.length) {
        return ovhError(res, 400, 'INVALID_BODY', 'Invalid body: accessRules missing');
      }
      const ck = randomBytes(16).toString('hex');
      const token = randomBytes(8).toString('hex');
      credentials.set(ck, { rules: parsed.accessRules, validated: false });
      tokens.set(token, ck);
      return send(res, 200, {
        validationUrl: `${origin}/auth/validate?credentialToken=${token}`,
        consumerKey: ck,
        state: 'pendingValidation',
      });
    }
    // every other call is signed
    const ck = String(req.headers['x-ovh-consumer'] ?? '');
    const cred = credentials.get(ck);
    if (!cred || !cred.validated)
      return ovhError(res, 403, 'INVALID_CREDENTIAL', 'This credential is not valid');
    const ts = Number(req.headers['x-ovh-timestamp']);
    if (!Number.isFinite(ts) || Math.abs(ts - now()) > 60)
      return ovhError(res, 400, 'QUERY_TIME_OUT', 'Query out of time');
    // the client signs https://HOST + path without the port (it only ever expects 443)
    const signedUrl = `https://${String(req.headers.host).replace(/:\d+$/, '')}${req.url}`;
    const want = `$1$${createHash('sha1').update([opts.applicationSecret, ck, method, signedUrl, body, ts].join('+')).digest('hex')}`;
    if (knobs.rejectSignatures || req.headers['x-ovh-signature'] !== want) {
      return ovhError(res, 403, 'INVALID_SIGNATURE', 'Invalid signature');
    }
    if (cred.rules !== 'all' && !cred.rules.some((r) => r.method === method && globMatch(r.path, path))) {
      return ovhError(res, 403, 'NOT_GRANTED_CALL', 'This call has not been granted');
    }
    return domainApi(res, method, path, url.searchParams, body);
  };

  const domainApi = async (
    res: ServerResponse,
    method: string,
    path: string,
    q: URLSearchParams,
    body: string,
  ): Promise<number> => {
    const m = /^\/domain\/zone\/([^/]+)\/(record|refresh)(?:\/(\d+))?$/.exec(path);
    if (!m) return ovhError(res, 404, 'NOT_FOUND', `Got an invalid (or empty) URL`);
    const [, zone, what, idText] = m;
    if (!zones.has(zone)) return ovhError(res, 404, 'NOT_FOUND', `This service does not exist`);
    if (what === 'refresh' && method === 'POST') {
      const mine = pending.filter((p) => p.zone === zone);
      pending.splice(0, pending.length, ...pending.filter((p) => p.zone !== zone));
      for (const p of mine) await sendUpdate(opts.bind9, `${zone}.`, [p.change]);
      return send(res, 200, null);
    }
    if (what === 'record' && !idText && method === 'POST') {
      const b = JSON.parse(body || '{}') as Partial<OvhRecord>;
      if (b.fieldType !== 'TXT' || typeof b.subDomain !== 'string' || typeof b.target !== 'string') {
        return ovhError(
          res,
          400,
          'INVALID_BODY',
          'Invalid body: fieldType, subDomain and target are required',
        );
      }
      if (b.ttl !== undefined && !Number.isInteger(b.ttl))
        return ovhError(res, 400, 'INVALID_BODY', 'Invalid ttl');
      // OVH keeps TXT targets quoted in the zone: hand them back that way
      const rec: OvhRecord = {
        id: nextId++,
        zone,
        fieldType: 'TXT',
        subDomain: b.subDomain,
        target: `"${b.target}"`,
        ttl: b.ttl ?? 0,
      };
      records.set(rec.id, rec);
      pending.push({ zone, change: { op: 'add', fqdn: fqdnOf(rec), value: b.target, ttl: rec.ttl || 60 } });
      return send(res, 200, rec);
    }
    if (what === 'record' && !idText && method === 'GET') {
      const list = [...records.values()].filter(
        (r) =>
          r.zone === zone &&
          (!q.get('fieldType') || r.fieldType === q.get('fieldType')) &&
          (!q.has('subDomain') || r.subDomain === q.get('subDomain')),
      );
      return send(
        res,
        200,
        list.map((r) => r.id),
      );
    }
    const rec = idText ? records.get(Number(idText)) : undefined;
    if (!rec || rec.zone !== zone)
      return ovhError(res, 404, 'NOT_FOUND', `The requested object (id = ${idText}) does not exist`);
    if (method === 'GET') return send(res, 200, rec);
    if (method === 'DELETE') {
      records.delete(rec.id);
      pending.push({
        zone,
        change: { op: 'delete', fqdn: fqdnOf(rec), value: rec.target.slice(1, -1), ttl: 0 },
      });
      return send(res, 200, null);
    }
    return ovhError(res, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
  };

  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      handle(req, res, body).then(
        (status) => requests.push({ method: req.method ?? '', path, status }),
        (err: Error) =>
          requests.push({ method: req.method ?? '', path, status: send(res, 500, { message: err.message }) }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/1.0`,
    ca: tls.cert,
    requests,
    knobs,
    records: (zone) => [...records.values()].filter((r) => r.zone === zone.replace(/\.$/, '')),
    validate: (validationUrl) => {
      const ck = tokens.get(new URL(validationUrl).searchParams.get('credentialToken') ?? '');
      const cred = ck ? credentials.get(ck) : undefined;
      if (!cred) throw new Error(`unknown validation URL ${validationUrl}`);
      cred.validated = true;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  function fqdnOf(rec: OvhRecord): string {
    return rec.subDomain ? `${rec.subDomain}.${rec.zone}.` : `${rec.zone}.`;
  }
}

/** OVH access-rule paths use `*` as a wildcard for the rest of a segment or path. */
function globMatch(pattern: string, path: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(path);
}
