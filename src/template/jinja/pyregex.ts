/**
 * Python `re` patterns run on JS RegExp: `(?P<n>...)` and `(?P=n)`, leading inline flags
 * `(?i)(?m)(?s)`, `\A` `\Z`, Python's `$` (also before a final newline), and re.sub replacement
 * templates (`\1`, `\g<1>`, `\g<name>`, `\n`). Where the two engines would disagree silently
 * (\w \d \s \b on non-ASCII text, verbose mode, possessive/atomic syntax) the call fails instead.
 */
import { JinjaRuntimeError } from './errors.js';

interface Translated {
  source: string;
  flags: string;
  unicodeClasses: boolean;
}

const cache = new Map<string, Translated>();

function translate(pattern: string): Translated {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let flags = '';
  let p = pattern;
  for (let m = /^\(\?([aiLmsux]+)\)/.exec(p); m; m = /^\(\?([aiLmsux]+)\)/.exec(p)) {
    for (const f of m[1]) {
      if (f === 'i' || f === 'm' || f === 's') flags += f;
      else if (f !== 'u') throw new JinjaRuntimeError(`regular expression flag (?${f}) is not supported`);
    }
    p = p.slice(m[0].length);
  }
  let out = '';
  let inClass = false;
  let unicodeClasses = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      const n = p[i + 1] ?? '';
      i++;
      if ('wWdDsSbB'.includes(n)) unicodeClasses = true;
      if (n === 'A' && !inClass) out += '(?<![\\s\\S])';
      else if (n === 'Z' && !inClass) out += '(?![\\s\\S])';
      else if (n === '') throw new JinjaRuntimeError('bad escape (end of pattern)');
      else out += `\\${n}`;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (p[i + 1] === '^') out += p[++i];
      if (p[i + 1] === ']') out += `\\${p[++i]}`;
      continue;
    }
    if (c === '(' && p.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    if (c === '(' && p.startsWith('(?P=', i)) {
      const end = p.indexOf(')', i);
      out += `\\k<${p.slice(i + 4, end)}>`;
      i = end;
      continue;
    }
    if (c === '(' && (p.startsWith('(?>', i) || p.startsWith('(?(', i) || p.startsWith('(?#', i)))
      throw new JinjaRuntimeError(`regular expression syntax ${p.slice(i, i + 3)} is not supported`);
    if ((c === '*' || c === '+' || c === '?' || c === '}') && p[i + 1] === '+')
      throw new JinjaRuntimeError('possessive quantifiers are not supported');
    if (c === '$') {
      out += flags.includes('m') ? '$' : '(?=\\n?(?![\\s\\S]))';
      continue;
    }
    out += c;
  }
  const t = { source: out, flags, unicodeClasses };
  if (cache.size > 2000) cache.clear();
  cache.set(pattern, t);
  return t;
}

/** Compile a Python pattern for a subject; `extra` adds flags (i, m, g). */
export function pyRegex(pattern: string, subject: string, extra = ''): RegExp {
  let t = translate(pattern);
  if (extra.includes('m') && !t.flags.includes('m')) t = translate(`(?m)${pattern}`);
  // eslint-disable-next-line no-control-regex -- the ASCII range, NUL included
  if (t.unicodeClasses && /[^\x00-\x7f]/.test(subject))
    throw new JinjaRuntimeError(
      'regular expression classes (\\w \\d \\s \\b) on non-ASCII text are not supported',
    );
  const flags = [...new Set(t.flags + extra)].join('');
  try {
    return new RegExp(t.source, flags);
  } catch (e) {
    throw new JinjaRuntimeError(
      `invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`,
    );
  }
}

/** Expand a Python re.sub replacement template for one match. */
export function expandReplacement(repl: string, m: RegExpExecArray): string {
  return repl.replace(/\\(g<([^>]*)>|\d{1,2}|[\s\S])/g, (all, what: string, g?: string) => {
    if (g !== undefined) {
      const v = /^\d+$/.test(g) ? m[Number(g)] : m.groups?.[g];
      if (/^\d+$/.test(g) ? Number(g) >= m.length : !(m.groups && g in m.groups))
        throw new JinjaRuntimeError(`invalid group reference ${g}`);
      return v ?? '';
    }
    if (/^\d+$/.test(what)) {
      if (Number(what) >= m.length) throw new JinjaRuntimeError(`invalid group reference ${what}`);
      return m[Number(what)] ?? '';
    }
    const esc: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      f: '\f',
      v: '\v',
      a: '\x07',
      b: '\b',
      '\\': '\\',
    };
    if (what in esc) return esc[what];
    if (/[a-zA-Z]/.test(what)) throw new JinjaRuntimeError(`bad escape \\${what}`);
    return all;
  });
}

/** Python's re.sub(pattern, repl, subject, count). */
export function pySub(pattern: string, repl: string, subject: string, flags = '', count = 0): string {
  const re = pyRegex(pattern, subject, `${flags}g`);
  let out = '';
  let last = 0;
  let n = 0;
  for (let m = re.exec(subject); m; m = re.exec(subject)) {
    out += subject.slice(last, m.index) + expandReplacement(repl, m);
    last = m.index + m[0].length;
    if (m[0] === '') re.lastIndex++;
    if (count && ++n >= count) break;
  }
  return out + subject.slice(last);
}

/** Python's re.escape (3.7+: only special characters are escaped). */
export function pyEscape(s: string): string {
  return s.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`);
}
