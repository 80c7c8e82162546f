/**
 * Load inventory sources the way `ansible-inventory -i A -i B` does: each source is a file (YAML or
 * INI) or a directory (every inventory file in it, recursively, sorted, skipping what Ansible
 * skips), sources merge in order, then `group_vars/` and `host_vars/` next to each source apply.
 * Every problem in every file is collected and reported together as one ConfigError (exit 4).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { ConfigError, type Issue } from '../errors.js';
import { warnIfSecretFileExposed } from '../config/secret-file.js';
import { errnoText, parseYaml, type ParsedYaml } from '../config/yaml.js';
import { InventoryBuilder } from './builder.js';
import { loadIniInventory } from './loaders/ini.js';
import { loadYamlInventory } from './loaders/yaml.js';
import { buildInventory } from './merge.js';
import type { Inventory } from './types.js';
import { loadVarsDirs } from './vars-dirs.js';

/**
 * What Ansible never reads inside an inventory directory: hidden entries, vars directories, and
 * INVENTORY_IGNORE_EXTS (backups, docs, and `.ini`/`.cfg`, which are ignored in directories).
 */
const IGNORED =
  /^\.|^host_vars$|^group_vars$|^vars_plugins$|(?:\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$/;
const YAML_EXTENSIONS = new Set(['.yml', '.yaml', '.json']);

/** Load and merge inventory sources (files or directories); throws ConfigError with every issue. */
export async function loadInventory(paths: string[]): Promise<Inventory> {
  const b = new InventoryBuilder();
  const bases: string[] = [];
  for (const path of paths) {
    let isDir: boolean;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch (err) {
      b.fail(`cannot read inventory: ${errnoText(err)}`, { file: path, line: 1, col: 1 });
      continue;
    }
    bases.push(isDir ? path : dirname(path));
    if (isDir) await loadDirectory(b, path);
    else await loadFile(b, path);
  }
  b.reconcile();
  checkNames(b);
  const files = await loadVarsDirs(bases, b.groups.keys(), b.hosts.keys(), b.issues);
  if (b.issues.length) throw new ConfigError(dedupe(b.issues));
  return buildInventory(b, files);
}

async function loadDirectory(b: InventoryBuilder, dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch (err) {
    b.fail(`cannot read inventory directory: ${errnoText(err)}`, { file: dir, line: 1, col: 1 });
    return;
  }
  for (const entry of entries) {
    if (IGNORED.test(entry)) continue;
    const full = join(dir, entry);
    let s;
    try {
      s = await stat(full);
    } catch (err) {
      // a dangling link or a vanished file: Ansible warns and goes on, which hides lost hosts
      b.fail(`cannot read inventory: ${errnoText(err)}`, { file: full, line: 1, col: 1 });
      continue;
    }
    if (s.isDirectory()) await loadDirectory(b, full);
    else if (s.isFile()) await loadFile(b, full);
  }
}

/**
 * One inventory file. `.yml`/`.yaml`/`.json` are YAML; a file without extension is YAML when it
 * parses as a mapping (or clearly tries to be YAML), INI otherwise; any other extension is INI.
 */
async function loadFile(b: InventoryBuilder, file: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    b.fail(`cannot read inventory: ${errnoText(err)}`, { file, line: 1, col: 1 });
    return;
  }
  if (text.startsWith('#!') && ((await stat(file)).mode & 0o111) !== 0) {
    // Ansible would execute it (script plugin); certfleet never runs code found in an inventory
    b.fail('dynamic inventory scripts are not supported: export the script output to a YAML file', {
      file,
      line: 1,
      col: 1,
    });
    return;
  }
  const ext = extname(file);
  if (YAML_EXTENSIONS.has(ext)) {
    const doc = tryYaml(text, file, b.issues);
    if (doc) {
      warnIfSecretFileExposed(file, doc.value);
      loadYamlInventory(b, doc);
    }
    return;
  }
  // a first line like `[group]` can only be INI: skip the YAML attempt (costly on big files)
  if (!ext && !startsWithSection(text)) {
    const sink: Issue[] = [];
    const doc = tryYaml(text, file, sink);
    const value = doc?.value;
    if (doc && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      warnIfSecretFileExposed(file, value);
      loadYamlInventory(b, doc);
      return;
    }
    if (!doc && looksLikeYaml(text)) {
      b.issues.push(...sink);
      return;
    }
  }
  loadIniInventory(b, text, file);
}

function tryYaml(text: string, file: string, issues: Issue[]): ParsedYaml | undefined {
  try {
    return parseYaml(text, file, { version: '1.1' });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    issues.push(...err.issues);
    return undefined;
  }
}

function startsWithSection(text: string): boolean {
  const first = text.split('\n', 50).find((l) => l.trim() && !/^\s*[#;]/.test(l));
  return first !== undefined && /^\s*\[[^\]]*\]\s*(?:#.*)?$/.test(first);
}

/** A YAML document marker or a `key:` line first: the author meant YAML, report its errors as such. */
function looksLikeYaml(text: string): boolean {
  const first = text.split('\n').find((l) => l.trim() && !l.trimStart().startsWith('#'));
  return first !== undefined && (/^---/.test(first) || /^[\w.-]+:(\s|$)/.test(first));
}

/**
 * A name both a host and a group is an error here (Ansible only warns): it is how a host ends up
 * listed under `children`, which silently makes an empty group instead of adding the host.
 */
function checkNames(b: InventoryBuilder): void {
  for (const g of b.groups.values()) {
    if (g.name === 'all' || g.name === 'ungrouped' || !b.hosts.has(g.name)) continue;
    b.fail(`"${g.name}" is a host, not a group (hosts go under "hosts", groups under "children")`, g.source);
  }
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.source?.file}:${i.source?.line}:${i.source?.col}:${i.path}:${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
