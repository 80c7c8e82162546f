/**
 * A local HTTP server for the Route53 REST/XML subset certfleet uses: ListHostedZonesByName,
 * ListResourceRecordSets, ChangeResourceRecordSets (strict change-batch checks: CREATE/UPSERT/DELETE
 * semantics, DELETE must match the current set exactly, TXT values quoted), GetChange (PENDING,
 * then INSYNC). Requests must carry a valid SigV4 signature. Record changes go into the REAL bind9
 * through RFC 2136. Knobs inject throttling and changes that never reach INSYNC.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendUpdate, type UpdateTarget } from '../../src/dns/providers/rfc2136/update.js';
import type { TxtChange } from '../../src/dns/providers/rfc2136/wire.js';
import { canonical } from '../../src/dns/resolver.js';
import { unquoteTxt } from '../../src/dns/providers/route53/txt.js';
import { child, children, parseXml, xmlDocument, type XmlObject } from './route53-xml.js';
import { checkSigV4 } from './sigv4.js';

export interface Route53FakeOptions {
  zones: string[];
  bind9: UpdateTarget;
  accessKeyId: string;
  secretAccessKey: string;
}

interface RecordSet {
  Name: string;
  Type: string;
  TTL: number;
  values: string[];
}

interface Zone {
  id: string;
  name: string;
  sets: Map<string, RecordSet>;
}

export interface Route53Fake {
  endpoint: string;
  zoneId(name: string): string;
  set(fqdn: string): RecordSet | undefined;
  requests: { method: string; path: string; status: number; code?: string }[];
  knobs: { throttleNext: number; pendingPolls: number; neverInsync: boolean };
  stop(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (msg: string): ApiError => new ApiError(400, 'InvalidChangeBatch', msg);
const QUOTED = /^"(?:[^"\\]|\\.)*"(?: "(?:[^"\\]|\\.)*")*$/;
/** Route53 lists record sets ordered by name with labels reversed (com.example.www), then type. */
const sortKey = (s: { Name: string; Type: string }): string =>
  `${canonical(s.Name).split('.').reverse().join('.')}|${s.Type}`;

export async function startRoute53Fake(opts: Route53FakeOptions): Promise<Route53Fake> {
  const zones = opts.zones.map((z): Zone => {
    const name = canonical(z);
    const id = `Z${randomBytes(6).toString('hex').toUpperCase()}`;
    const sets = new Map<string, RecordSet>([
      [
        `${name}|SOA`,
        {
          Name: name,
          Type: 'SOA',
          TTL: 900,
          values: [`ns1.${name} hostmaster.${name} 1 7200 900 1209600 86400`],
        },
      ],
      [`${name}|NS`, { Name: name, Type: 'NS', TTL: 172800, values: [`ns1.${name}`] }],
    ]);
    return { id, name, sets };
  });
  const changes = new Map<string, { polls: number }>();
  const knobs = { throttleNext: 0, pendingPolls: 1, neverInsync: false };
  const requests: Route53Fake['requests'] = [];
  const zoneById = (id: string): Zone => {
    const z = zones.find((x) => x.id === id);
    if (!z) throw new ApiError(404, 'NoSuchHostedZone', `No hosted zone found with ID: ${id}`);
    return z;
  };
  const changeInfo = (id: string, status: string): XmlObject => ({
    ChangeInfo: { Id: `/change/${id}`, Status: status, SubmittedAt: new Date().toISOString() },
  });

  const route = async (req: IncomingMessage, body: string): Promise<string> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const err = checkSigV4(req, url, body, opts.accessKeyId, opts.secretAccessKey);
    if (err) throw new ApiError(403, err.code, err.message);
    if (knobs.throttleNext > 0) {
      knobs.throttleNext--;
      throw new ApiError(400, 'Throttling', 'Rate exceeded');
    }
    const path = url.pathname;
    if (req.method === 'GET' && path === '/2013-04-01/hostedzonesbyname') {
      const start = canonical(url.searchParams.get('dnsname') ?? '.');
      const startKey = start.split('.').reverse().join('.');
      const max = Number(url.searchParams.get('maxitems') ?? 100);
      const list = zones
        .filter((z) => z.name.split('.').reverse().join('.') >= startKey)
        .sort((a, b) =>
          sortKey({ Name: a.name, Type: '' }).localeCompare(sortKey({ Name: b.name, Type: '' })),
        )
        .slice(0, max);
      return xmlDocument('ListHostedZonesByNameResponse', {
        HostedZones: {
          HostedZone: list.map((z) => ({
            Id: `/hostedzone/${z.id}`,
            Name: z.name,
            CallerReference: z.id,
            Config: { PrivateZone: false },
            ResourceRecordSetCount: z.sets.size,
          })),
        },
        DNSName: start,
        IsTruncated: false,
        MaxItems: max,
      });
    }
    let m = /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/.exec(path);
    if (m && req.method === 'GET') {
      const zone = zoneById(m[1]);
      const from = {
        Name: url.searchParams.get('name') ?? zone.name,
        Type: url.searchParams.get('type') ?? '',
      };
      const max = Number(url.searchParams.get('maxitems') ?? 300);
      const list = [...zone.sets.values()]
        .sort((a, b) => sortKey(a).localeCompare(sortKey(b)))
        .filter((s) => sortKey(s) >= sortKey(from));
      return xmlDocument('ListResourceRecordSetsResponse', {
        ResourceRecordSets: { ResourceRecordSet: list.slice(0, max).map(renderSet) },
        IsTruncated: list.length > max,
        MaxItems: max,
      });
    }
    if (m && req.method === 'POST') {
      const zone = zoneById(m[1]);
      const id = `C${randomBytes(6).toString('hex').toUpperCase()}`;
      await applyBatch(zone, body);
      changes.set(id, { polls: 0 });
      return xmlDocument('ChangeResourceRecordSetsResponse', changeInfo(id, 'PENDING'));
    }
    m = /^\/2013-04-01\/change\/([^/]+)$/.exec(path);
    if (m && req.method === 'GET') {
      const c = changes.get(m[1]);
      if (!c)
        throw new ApiError(404, 'NoSuchChange', `A change with the specified change ID does not exist.`);
      c.polls++;
      const status = knobs.neverInsync || c.polls <= knobs.pendingPolls ? 'PENDING' : 'INSYNC';
      return xmlDocument('GetChangeResponse', changeInfo(m[1], status));
    }
    throw new ApiError(404, 'UnknownOperationException', `no route for ${req.method} ${path}`);
  };

  /** Validate the whole batch first (AWS applies all or nothing), then apply it and mirror it into bind9. */
  const applyBatch = async (zone: Zone, body: string): Promise<void> => {
    let batch;
    try {
      const root = parseXml(body);
      if (root.name !== 'ChangeResourceRecordSetsRequest') throw new Error(`unexpected root <${root.name}>`);
      batch = children(child(child(root, 'ChangeBatch')!, 'Changes')!, 'Change');
    } catch (e) {
      throw new ApiError(400, 'MalformedInput', (e as Error).message);
    }
    if (!batch.length) throw invalid('ChangeBatch must contain at least one Change');
    const next = new Map(zone.sets);
    for (const change of batch) {
      const action = child(change, 'Action')!.text;
      const rrs = child(change, 'ResourceRecordSet')!;
      const set: RecordSet = {
        Name: canonical(child(rrs, 'Name')!.text),
        Type: child(rrs, 'Type')!.text,
        TTL: Number(child(rrs, 'TTL', true)?.text ?? NaN),
        values: children(child(rrs, 'ResourceRecords')!, 'ResourceRecord').map(
          (r) => child(r, 'Value')!.text,
        ),
      };
      const label = `[name='${set.Name}', type='${set.Type}']`;
      if (!['CREATE', 'UPSERT', 'DELETE'].includes(action)) throw invalid(`Invalid action ${action}`);
      if (set.Type !== 'TXT') throw invalid(`this fake only manages TXT records, not ${set.Type}`);
      if (set.Name !== zone.name && !set.Name.endsWith(`.${zone.name}`)) {
        throw invalid(`RRSet with DNS name ${set.Name} is not permitted in zone ${zone.name}`);
      }
      if (!Number.isInteger(set.TTL))
        throw invalid(`Invalid request: Missing field 'TTL' in Change with ${label}`);
      if (!set.values.length)
        throw invalid(`Invalid request: Expected at least one ResourceRecord in ${label}`);
      for (const v of set.values) {
        if (!QUOTED.test(v)) {
          throw invalid(
            `Invalid Resource Record: 'FATAL problem: InvalidCharacterString (Value should be enclosed in quotation marks) encountered with '${v}''`,
          );
        }
      }
      if (new Set(set.values).size !== set.values.length)
        throw invalid(`Duplicate Resource Record: '${set.values.join(',')}'`);
      const key = `${set.Name}|${set.Type}`;
      const cur = next.get(key);
      if (action === 'CREATE' && cur)
        throw invalid(`Tried to create resource record set ${label} but it already exists`);
      if (action === 'DELETE') {
        if (!cur) throw invalid(`Tried to delete resource record set ${label} but it was not found`);
        const same =
          cur.TTL === set.TTL &&
          cur.values.length === set.values.length &&
          cur.values.every((v) => set.values.includes(v));
        if (!same)
          throw invalid(
            `Tried to delete resource record set ${label} but the values provided do not match the current values`,
          );
        next.delete(key);
      } else {
        next.set(key, set);
      }
    }
    const updates = new Map<string, TxtChange[]>();
    for (const key of new Set([...zone.sets.keys(), ...next.keys()])) {
      const before = zone.sets.get(key)?.values.map(unquoteTxt) ?? [];
      const after = next.get(key);
      const fqdn = key.split('|')[0];
      const list = [
        ...before
          .filter((v) => !after?.values.map(unquoteTxt).includes(v))
          .map((value): TxtChange => ({ op: 'delete', fqdn, value, ttl: 0 })),
        ...(after?.values.map(unquoteTxt).filter((v) => !before.includes(v)) ?? []).map(
          (value): TxtChange => ({ op: 'add', fqdn, value, ttl: after!.TTL }),
        ),
      ];
      if (list.length && key.endsWith('|TXT')) updates.set(key, list);
    }
    zone.sets = next;
    for (const list of updates.values()) await sendUpdate(opts.bind9, zone.name, list);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      route(req, body).then(
        (xml) => {
          res.writeHead(200, {
            'Content-Type': 'text/xml',
            'x-amzn-RequestId': randomBytes(8).toString('hex'),
          });
          res.end(xml);
          requests.push({ method: req.method ?? '', path, status: 200 });
        },
        (e: Error) => {
          const status = e instanceof ApiError ? e.status : 500;
          const code = e instanceof ApiError ? e.code : 'InternalFailure';
          res.writeHead(status, {
            'Content-Type': 'text/xml',
            'x-amzn-RequestId': randomBytes(8).toString('hex'),
          });
          res.end(
            xmlDocument('ErrorResponse', {
              Error: { Type: status >= 500 ? 'Receiver' : 'Sender', Code: code, Message: e.message },
              RequestId: randomBytes(8).toString('hex'),
            }),
          );
          requests.push({ method: req.method ?? '', path, status, code });
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    zoneId: (name) => zones.find((z) => z.name === canonical(name))!.id,
    set: (fqdn) => zones.map((z) => z.sets.get(`${canonical(fqdn)}|TXT`)).find(Boolean),
    requests,
    knobs,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function renderSet(s: RecordSet): XmlObject {
  return {
    Name: s.Name,
    Type: s.Type,
    TTL: s.TTL,
    ResourceRecords: { ResourceRecord: s.values.map((Value) => ({ Value })) },
  };
}
