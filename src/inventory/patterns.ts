/**
 * Host patterns with Ansible's semantics (InventoryManager.get_hosts): `all`, `*`, names, globs
 * (`web*`, `db?`, `[ab]*`), regexes (`~web\d+`), unions (`a:b`, `a,b`), intersections (`&prod`),
 * exclusions (`!canary`), subscripts (`web[0]`, `web[1:3]`, `web[-1]`). Regular patterns are applied
 * first, then intersections, then exclusions, whatever their written order. Hosts come out in
 * inventory order; a pattern matching nothing is ignored with a warning, as Ansible does.
 */
import { isIPv6 } from 'node:net';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import type { Inventory } from './types.js';

/** Options: `limit` is `--limit` (same syntax, `@file` reads one pattern per line); `warn` gets warnings. */
export interface SelectOptions {
  limit?: string;
  warn?: (message: string) => void;
}

const warned = new Set<string>();
/** Ansible-style warning on stderr, once per message per process. */
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.stderr.write(`[WARNING]: ${message}\n`);
}

/** The names of the hosts selected by `pattern` (and `--limit`), in inventory order. */
export function selectHosts(inv: Inventory, pattern: string, opts: SelectOptions = {}): string[] {
  const warn = opts.warn ?? warnOnce;
  let hosts = evaluate(inv, splitPattern(pattern), warn);
  if (opts.limit !== undefined) {
    const subset = new Set(evaluate(inv, limitPatterns(opts.limit), warn));
    hosts = hosts.filter((h) => subset.has(h));
  }
  return hosts;
}

/** Split `a:b,&c:!d` into single patterns (`,` wins over `:`; `:` inside `[...]` is kept). */
export function splitPattern(pattern: string): string[] {
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  // like Ansible's parse_address: only a real IPv6 address stays whole (`f1:f2:f3` is three hosts)
  else if (isIPv6(pattern)) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((p) => p.trim()).filter(Boolean);
}

function limitPatterns(limit: string): string[] {
  const out: string[] = [];
  for (const p of splitPattern(limit)) {
    if (!p.startsWith('@')) {
      out.push(p);
      continue;
    }
    let text: string;
    try {
      text = readFileSync(p.slice(1), 'utf8');
    } catch {
      throw new ConfigError(`cannot read limit file ${p.slice(1)}`);
    }
    out.push(...text.split('\n').map((l) => l.trim()));
  }
  return out;
}

function evaluate(inv: Inventory, patterns: string[], warn: (m: string) => void): string[] {
  const regular = patterns.filter((p) => p[0] !== '&' && p[0] !== '!');
  const ordered = [
    ...(regular.length ? regular : ['all']),
    ...patterns.filter((p) => p[0] === '&'),
    ...patterns.filter((p) => p[0] === '!'),
  ];
  let hosts: string[] = [];
  for (const p of ordered) {
    if (inv.hosts.has(p)) {
      if (!hosts.includes(p)) hosts.push(p);
      continue;
    }
    const that = matchOne(inv, p[0] === '&' || p[0] === '!' ? p.slice(1) : p, warn);
    if (p[0] === '!') {
      const drop = new Set(that);
      hosts = hosts.filter((h) => !drop.has(h));
    } else if (p[0] === '&') {
      const keep = new Set(that);
      hosts = hosts.filter((h) => keep.has(h));
    } else {
      const have = new Set(hosts);
      for (const h of that) if (!have.has(h)) hosts.push(h);
    }
  }
  return hosts;
}

const SUBSCRIPT = /^(.+)\[(?:(-?\d+)|(\d+)([:-])(\d*))\]$/;

function matchOne(inv: Inventory, pattern: string, warn: (m: string) => void): string[] {
  let expr = pattern;
  let sub: [number, number | undefined] | undefined;
  const m = pattern[0] === '~' ? null : SUBSCRIPT.exec(pattern);
  if (m) {
    expr = m[1];
    sub = m[2] !== undefined ? [Number(m[2]), undefined] : [Number(m[3]), m[5] ? Number(m[5]) : -1];
  }
  const hosts = enumerate(inv, expr, warn);
  if (!sub) return hosts;
  const [start, end] = sub;
  if (end === undefined) {
    const h = hosts[start < 0 ? hosts.length + start : start];
    if (h === undefined) throw new ConfigError(`no hosts matched the subscripted pattern "${pattern}"`);
    return [h];
  }
  return hosts.slice(start, (end === -1 ? hosts.length - 1 : end) + 1);
}

function enumerate(inv: Inventory, pattern: string, warn: (m: string) => void): string[] {
  const re = toRegExp(pattern);
  const results: string[] = [];
  const groups = [...inv.groups.keys()].filter((g) => re.test(g));
  for (const g of groups) results.push(...groupHosts(inv, g));
  if (!groups.length || pattern[0] === '~' || /[.?*[]/.test(pattern)) {
    for (const h of inv.hosts.keys()) if (re.test(h)) results.push(h);
  }
  if (!results.length && !groups.length && pattern !== 'all') {
    warn(`Could not match supplied host pattern, ignoring: ${pattern}`);
  }
  return [...new Set(results)];
}

/** `~re` is a regex anchored at the start (Python re.match); anything else a whole-name glob. */
function toRegExp(pattern: string): RegExp {
  try {
    if (pattern[0] === '~') return new RegExp(`^(?:${pattern.slice(1)})`);
    let src = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '*') src += '.*';
      else if (c === '?') src += '.';
      else if (c === '[') {
        const end = pattern.indexOf(']', i + 2);
        if (end < 0) src += '\\[';
        else {
          let set = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
          if (set[0] === '!') set = `^${set.slice(1)}`;
          src += `[${set}]`;
          i = end;
        }
      } else src += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    return new RegExp(`^(?:${src})$`, 's');
  } catch {
    throw new ConfigError(`invalid host pattern "${pattern}"`);
  }
}

const hostCache = new WeakMap<Inventory, Map<string, string[]>>();

/** Hosts of a group and of all its descendants, breadth first, without duplicates (Group.get_hosts). */
export function groupHosts(inv: Inventory, group: string): string[] {
  let cache = hostCache.get(inv);
  if (!cache) hostCache.set(inv, (cache = new Map<string, string[]>()));
  const known = cache.get(group);
  if (known) return known;
  const order: string[] = [group];
  const seen = new Set(order);
  for (let i = 0; i < order.length; i++) {
    for (const child of inv.groups.get(order[i])?.children ?? []) {
      if (!seen.has(child)) {
        seen.add(child);
        order.push(child);
      }
    }
  }
  const hosts = new Set<string>();
  for (const g of order) for (const h of inv.groups.get(g)?.hosts ?? []) hosts.add(h);
  const out = [...hosts];
  cache.set(group, out);
  return out;
}
