/**
 * Mode and ownership of an existing path, changed without touching its content (the "attributes
 * updated" case of copy, template, lineinfile, blockinfile and file).
 */
import type { Connection } from '../connections/connection.js';
import { shellQuote } from '../connections/connection.js';
import { ModuleError } from '../errors.js';
import { modeText } from './mode.js';
import { checkRemotePath } from './path.js';
import { ownerSpec, type Attributes } from './stat.js';

/** chown/chmod commands for `target` (a quoted shell word); `-R` with `recurse`. */
export function attributeCommands(target: string, a: Attributes, recurse = false): string[] {
  const R = recurse ? '-R ' : '';
  const cmds: string[] = [];
  const owner = ownerSpec(a.owner, a.group);
  if (owner) cmds.push(`chown ${R}${shellQuote(owner)} ${target}`);
  if (a.mode !== undefined) cmds.push(`chmod ${R}${modeText(a.mode)} ${target}`);
  return cmds;
}

/** Apply ownership/permissions to an existing path. */
export async function setAttributes(
  conn: Connection,
  path: string,
  a: Attributes,
  become?: boolean,
): Promise<void> {
  const cmds = attributeCommands(shellQuote(checkRemotePath(path)), a);
  if (!cmds.length) return;
  const r = await conn.exec(cmds.join(' && '), { become, shared: true });
  if (r.code !== 0) throw new ModuleError(`cannot set attributes of ${path}: ${r.stderr.trim()}`);
}
