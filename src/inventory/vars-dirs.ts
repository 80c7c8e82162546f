/**
 * `group_vars/` and `host_vars/` next to each inventory source, as Ansible's `host_group_vars`
 * plugin reads them: for an entity NAME the first of `NAME`, `NAME.yml`, `NAME.yaml`, `NAME.json`
 * that exists wins; when it is a directory, every file in it (recursively, sorted, skipping hidden
 * files, `~` backups and extensions other than .yml/.yaml/.json or none) is merged in order.
 * Files are read once per entity that exists in the inventory; the rest of the directory is ignored.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Issue } from '../errors.js';
import { ConfigError } from '../errors.js';
import { warnIfSecretFileExposed } from '../config/secret-file.js';
import { errnoText, locate, parseYaml } from '../config/yaml.js';
import { checkYamlVars } from './check-vars.js';

const EXTENSIONS = ['', '.yml', '.yaml', '.json'];

type Vars = Record<string, unknown>;

/** Variables found in one base directory, merged per entity name. */
export interface BaseVars {
  base: string;
  groups: Map<string, Vars>;
  hosts: Map<string, Vars>;
}

/**
 * Read `group_vars/` and `host_vars/` of every base directory for the given group and host names.
 * Problems (unreadable or invalid files, schema violations) are appended to `issues`.
 */
export async function loadVarsDirs(
  bases: string[],
  groupNames: Iterable<string>,
  hostNames: Iterable<string>,
  issues: Issue[],
): Promise<BaseVars[]> {
  const groups = [...groupNames];
  const hosts = [...hostNames];
  return Promise.all(
    bases.map(async (base) => ({
      base,
      groups: await loadKind(join(base, 'group_vars'), groups, issues),
      hosts: await loadKind(join(base, 'host_vars'), hosts, issues),
    })),
  );
}

async function loadKind(dir: string, names: string[], issues: Issue[]): Promise<Map<string, Vars>> {
  const out = new Map<string, Vars>();
  let entries: Set<string>;
  try {
    entries = new Set(await readdir(dir));
  } catch {
    return out; // no such directory: nothing to add (Ansible only warns when it is a file)
  }
  for (const name of names) {
    // names starting with "/" are chroot-style hosts that Ansible never looks up
    if (name.startsWith('/')) continue;
    const found = EXTENSIONS.map((ext) => name + ext).find((n) => entries.has(n));
    if (!found) continue;
    const files = await filesOf(join(dir, found));
    let merged: Vars | undefined;
    for (const file of files) {
      const data = await readVarsFile(file, issues);
      if (data) merged = Object.assign(merged ?? {}, data);
    }
    if (merged) out.set(name, merged);
  }
  return out;
}

/** The file itself, or every vars file under a directory in Ansible's order. */
async function filesOf(path: string): Promise<string[]> {
  const s = await stat(path);
  if (!s.isDirectory()) return [path];
  const found: string[] = [];
  for (const entry of (await readdir(path)).sort()) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const full = join(path, entry);
    const ext = extname(entry);
    const st = await stat(full);
    if (st.isDirectory() && !ext) found.push(...(await filesOf(full)));
    else if (st.isFile() && EXTENSIONS.includes(ext)) found.push(full);
  }
  return found;
}

async function readVarsFile(file: string, issues: Issue[]): Promise<Vars | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    issues.push({ source: { file, line: 1, col: 1 }, message: `cannot read vars file: ${errnoText(err)}` });
    return undefined;
  }
  let value: unknown;
  try {
    value = parseYaml(text, file, { version: '1.1' }).value;
  } catch (err) {
    if (err instanceof ConfigError) {
      issues.push(...err.issues);
      return undefined;
    }
    throw err;
  }
  if (value === null || value === undefined) return undefined; // empty files are ignored
  // group_vars/host_vars are where inventories keep credentials: warn like certbot when others can read them
  warnIfSecretFileExposed(file, value);
  if (typeof value !== 'object' || Array.isArray(value)) {
    issues.push({
      source: locate(value) ?? { file, line: 1, col: 1 },
      message: 'a vars file must contain a mapping of variable names to values',
    });
    return undefined;
  }
  issues.push(...checkYamlVars(value, value, []));
  return value as Vars;
}
