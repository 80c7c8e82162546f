/**
 * Host patterns as inventories write them: `web[01:04].example.com`, `www-[a:c]`, `node[1:10:2]`,
 * several ranges in one name, and an optional `:port` (`app[1:3]:2222`, `[::1]:22`). Expansion
 * follows Ansible (`expand_hostname_range`): zero padding when the start has a leading zero, letter
 * ranges over a-zA-Z, an empty start meaning 0. Unlike Ansible, an empty range (`web[04:01]`) is an
 * error, not a silent no-op: an inventory entry that yields no host is always a mistake.
 */

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A host pattern that cannot be expanded; the message says why (no location: callers add it). */
export class RangeSyntaxError extends Error {}

/** True when `name` holds a `[a:b]` range (Ansible's `detect_range`: `[` before `:` before `]`). */
export function hasRange(name: string): boolean {
  const open = name.indexOf('[');
  const colon = name.indexOf(':', open);
  const close = name.indexOf(']', open);
  return open >= 0 && colon > open && close > colon;
}

/** Expand every range in `pattern`, left to right, into the list of host names. */
export function expandRanges(pattern: string): string[] {
  if (!hasRange(pattern)) return [pattern];
  const open = pattern.indexOf('[');
  const close = pattern.indexOf(']', open);
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const out: string[] = [];
  for (const item of rangeItems(pattern.slice(open + 1, close), pattern)) {
    out.push(...expandRanges(`${head}${item}${tail}`));
  }
  return out;
}

function rangeItems(spec: string, pattern: string): string[] {
  const bounds = spec.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) {
    throw new RangeSyntaxError(`bad host range "${pattern}": must be [begin:end] or [begin:end:step]`);
  }
  const beg = bounds[0] === '' ? '0' : bounds[0];
  const end = bounds[1];
  const stepText = bounds[2] ?? '1';
  if (!end) throw new RangeSyntaxError(`bad host range "${pattern}": missing end value`);
  if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
    throw new RangeSyntaxError(`bad host range "${pattern}": step must be a positive integer`);
  }
  const step = Number(stepText);
  const items: string[] = [];
  if (/^[a-zA-Z]$/.test(beg) && /^[a-zA-Z]$/.test(end)) {
    const b = LETTERS.indexOf(beg);
    const e = LETTERS.indexOf(end);
    if (b > e) throw new RangeSyntaxError(`bad host range "${pattern}": begin must not be after end`);
    for (let i = b; i <= e; i += step) items.push(LETTERS[i]);
    return items;
  }
  if (!/^\d+$/.test(beg) || !/^\d+$/.test(end)) {
    throw new RangeSyntaxError(
      `bad host range "${pattern}": bounds must be two numbers or two letters, got "${beg}" and "${end}"`,
    );
  }
  // a leading zero asks for zero-padded names of the same width (web01..web10)
  const width = beg.length > 1 && beg.startsWith('0') ? beg.length : 0;
  if (width && end.length !== width) {
    throw new RangeSyntaxError(`bad host range "${pattern}": begin and end must have the same width`);
  }
  const b = Number(beg);
  const e = Number(end);
  if (b > e) throw new RangeSyntaxError(`bad host range "${pattern}": begin must not be after end`);
  for (let i = b; i <= e; i += step) items.push(width ? String(i).padStart(width, '0') : String(i));
  return items;
}

/** A host entry split into its name pattern and optional port. */
export interface HostEntry {
  pattern: string;
  port?: number;
}

/**
 * Split `name[:port]` like Ansible's `parse_address`: a trailing `:digits` is a port unless the
 * rest is a bare IPv6 address (several colons outside brackets); `[v6]:port` keeps the address.
 */
export function splitPort(entry: string): HostEntry {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed && /^[0-9a-fA-F.]*:[0-9a-fA-F.]*:[0-9a-fA-F:.]*$/.test(bracketed[1])) {
    return { pattern: bracketed[1], port: bracketed[2] === undefined ? undefined : Number(bracketed[2]) };
  }
  const m = /^(.*):(\d+)$/.exec(entry);
  if (!m) return { pattern: entry };
  const withoutRanges = m[1].replace(/\[[^\]]*\]/g, '');
  if (withoutRanges.includes(':')) return { pattern: entry };
  return { pattern: m[1], port: Number(m[2]) };
}

/** Expand one inventory host entry (`name`, `name:port`, ranges) into names and port. */
export function expandHostEntry(entry: string): { hosts: string[]; port?: number } {
  const { pattern, port } = splitPort(entry.trim());
  return { hosts: expandRanges(pattern), port };
}
