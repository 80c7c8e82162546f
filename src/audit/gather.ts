/**
 * One read-only round trip per host: send gather.sh over stdin to `sh -s`, then parse its framed
 * output into HostFacts. The frame mark carries a random nonce so that no config content can forge
 * a section boundary.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Connection } from '../connections/connection.js';
import { codeAsset } from '../paths.js';
import { detectionScript } from './gather-servers.js';
import type { HostFacts, PathStat, WebServerKind } from './types.js';

let scriptBody: string | undefined;

/** The gather script with a fresh frame mark; `mark` is what parseGatherOutput needs. */
export function gatherScript(): { script: string; mark: string } {
  scriptBody ??= `${detectionScript()}${readFileSync(codeAsset('audit', 'gather.sh'), 'utf8')}`;
  const mark = `@@CERTFLEET-${randomBytes(8).toString('hex')}`;
  return { script: `MARK='${mark}'\n${scriptBody}`, mark };
}

/** Raised when the output is not what the script prints (truncated, or the shell failed early). */
export class GatherParseError extends Error {}

const KINDS = new Set<WebServerKind>(['nginx', 'apache', 'haproxy', 'tomcat']);

/** Parse the framed output of gather.sh (see the script's header for the format). */
export function parseGatherOutput(raw: string, mark: string): HostFacts {
  // frames start and end with a newline, which some transports trim (node-ssh trims stdout)
  const out = `\n${raw}\n`;
  const facts: HostFacts = {
    osRelease: {},
    installed: [],
    running: [],
    configs: {},
    mainConfig: {},
    stats: new Map(),
    certs: new Map(),
    pubkeys: new Map(),
    keyErrors: new Map(),
  };
  const begin = `\n${mark} BEGIN `;
  const endMark = `\n${mark} END\n`;
  let pos = 0;
  let complete = false;
  for (;;) {
    const b = out.indexOf(begin, pos);
    if (b < 0) break;
    const headerEnd = out.indexOf('\n', b + begin.length);
    const e = out.indexOf(endMark, headerEnd);
    if (headerEnd < 0 || e < 0) throw new GatherParseError('gather output is truncated');
    const header = out.slice(b + begin.length, headerEnd);
    const body = out.slice(headerEnd + 1, e);
    pos = e + endMark.length - 1;
    const sp = header.indexOf(' ');
    const kind = sp < 0 ? header : header.slice(0, sp);
    const arg = sp < 0 ? '' : header.slice(sp + 1);
    if (kind === 'done') complete = true;
    else apply(facts, kind, arg, body);
  }
  if (!complete) throw new GatherParseError('gather script did not finish (no end marker in its output)');
  return facts;
}

function apply(facts: HostFacts, kind: string, arg: string, body: string): void {
  switch (kind) {
    case 'os-release':
      facts.osRelease = parseOsRelease(body);
      break;
    case 'servers':
      for (const line of body.split('\n')) {
        const [what, name] = line.trim().split(/\s+/);
        if (!KINDS.has(name as WebServerKind)) continue;
        if (what === 'installed') facts.installed.push(name as WebServerKind);
        if (what === 'running') facts.running.push(name as WebServerKind);
      }
      break;
    case 'main':
    case 'conf': {
      const sp = arg.indexOf(' ');
      const server = arg.slice(0, sp) as WebServerKind;
      const path = arg.slice(sp + 1);
      if (!KINDS.has(server)) break;
      if (kind === 'main') facts.mainConfig[server] = path;
      else (facts.configs[server] ??= new Map()).set(path, body);
      break;
    }
    case 'stat':
      facts.stats.set(arg, parseStat(body));
      break;
    case 'unreadable':
      facts.keyErrors.set(arg, 'file not readable by the audit user (use become)');
      break;
    case 'certs':
      facts.certs.set(arg, body);
      break;
    case 'pubkey':
      facts.pubkeys.set(arg, body);
      break;
    case 'keyerror':
      facts.keyErrors.set(arg, body.trim() || 'openssl pkey failed');
      break;
  }
}

/** KEY=value lines of os-release(5), quotes removed. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2];
    if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1);
    out[m[1]] = v.replace(/\\(["$`\\])/g, '$1');
  }
  return out;
}

function parseStat(body: string): PathStat {
  const line = body.trim();
  if (line === 'missing' || line === '') return { exists: false };
  const [mode, owner, group, ...type] = line.split(' ');
  return { exists: true, mode, owner, group, type: type.join(' ') };
}

/** Run the gather script on a host and parse what it printed. */
export async function gatherFacts(
  conn: Connection,
  opts: { become?: boolean; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<HostFacts> {
  const { script, mark } = gatherScript();
  const res = await conn.exec('sh -s', { stdin: script, ...opts });
  try {
    return parseGatherOutput(res.stdout, mark);
  } catch (err) {
    const why = res.stderr.trim().split('\n').slice(-3).join(' | ');
    throw new GatherParseError(
      `${(err as Error).message} (exit ${res.code ?? res.signal}${why ? `: ${why}` : ''})`,
    );
  }
}
