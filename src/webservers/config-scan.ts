/**
 * Reading certificate paths out of web server config lines (selected on the host by each adapter's
 * `certGrep`). Kept apart from adapter.ts so the adapters do not import the registry that lists them.
 */

/** Pull quoted or bare path arguments following `directive` out of config lines. */
export function pathsAfter(lines: string[], directive: RegExp): string[] {
  const out: string[] = [];
  for (const line of lines) {
    // comments (whole-line or trailing) never name a live certificate
    const l = line.replace(/(^|\s)#.*$/, '');
    for (const m of l.matchAll(new RegExp(directive.source, 'gi'))) {
      const rest = l.slice((m.index ?? 0) + m[0].length).trim();
      const p = /^"([^"]+)"|^'([^']+)'|^([^\s;"']+)/.exec(rest);
      const path = p?.[1] ?? p?.[2] ?? p?.[3];
      if (path && !path.startsWith('$')) out.push(path);
    }
  }
  return [...new Set(out)];
}
