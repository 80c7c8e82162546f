/**
 * The YAML inventory format (Ansible's `yaml` plugin): top-level keys are groups (`all` or any
 * other), each a mapping with `hosts`, `children` and `vars`; a host maps to its variables. Where
 * Ansible only warns (an unknown key in a group, a group that is not a mapping) certfleet stops:
 * a misspelt `hots:` silently dropping hosts is how certificates expire unnoticed.
 */
import type { SourceLocation } from '../../errors.js';
import { locate, locatePath, type ParsedYaml } from '../../config/yaml.js';
import type { InventoryBuilder } from '../builder.js';
import { checkYamlVars } from '../check-vars.js';
import { expandHostEntry, RangeSyntaxError } from '../ranges.js';

type Path = (string | number)[];

/** Load one parsed YAML inventory document into the builder (problems become builder issues). */
export function loadYamlInventory(b: InventoryBuilder, doc: ParsedYaml): void {
  const data = doc.value;
  const top: SourceLocation = locate(data) ?? { file: doc.file, line: 1, col: 1 };
  // an empty (or comments-only) file adds nothing; Ansible accepts it too (its INI plugin takes it)
  if (data === null || data === undefined) return;
  if (!isMapping(data)) {
    b.fail('a YAML inventory must be a mapping of group names', top);
    return;
  }
  if ('plugin' in data) {
    b.fail('inventory plugin configuration files are not supported', locate(data, 'plugin'), 'plugin');
    return;
  }
  const loader = new YamlGroupLoader(b, doc);
  for (const [name, value] of Object.entries(data)) loader.group(name, value, [name]);
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

class YamlGroupLoader {
  constructor(
    private readonly b: InventoryBuilder,
    private readonly doc: ParsedYaml,
  ) {}

  private at(path: Path, what: 'key' | 'value' = 'key'): SourceLocation | undefined {
    return locatePath(this.doc.value, path, what);
  }

  group(name: string, value: unknown, path: Path): boolean {
    if (value !== null && !isMapping(value)) {
      this.b.fail(
        `group "${name}" must be a mapping with hosts, children or vars`,
        this.at(path, 'value'),
        path.join('.'),
      );
      return false;
    }
    this.b.addGroup(name, this.at(path));
    if (value === null) return true;
    for (const [key, section] of Object.entries(value)) {
      const sectionPath = [...path, key];
      if (key !== 'hosts' && key !== 'children' && key !== 'vars') {
        this.b.fail(
          `unknown key "${key}" in group "${name}" (expected hosts, children or vars)`,
          this.at(sectionPath),
          sectionPath.join('.'),
        );
        continue;
      }
      if (section === null) continue;
      // Ansible accepts a bare string as a one-entry mapping (`hosts: web1`)
      const entries = typeof section === 'string' ? { [section]: null } : section;
      if (!isMapping(entries)) {
        this.b.fail(
          `"${key}" of group "${name}" must be a mapping`,
          this.at(sectionPath, 'value'),
          sectionPath.join('.'),
        );
        continue;
      }
      if (key === 'vars') this.vars(name, entries, sectionPath);
      else if (key === 'children') this.children(name, entries, sectionPath);
      else this.hosts(name, entries, sectionPath);
    }
    return true;
  }

  private vars(group: string, vars: Record<string, unknown>, path: Path): void {
    this.b.issues.push(...checkYamlVars(vars, this.doc.value, path));
    for (const [k, v] of Object.entries(vars)) this.b.setGroupVar(group, k, v);
  }

  private children(parent: string, children: Record<string, unknown>, path: Path): void {
    for (const [child, value] of Object.entries(children)) {
      const childPath = [...path, child];
      if (this.group(child, value, childPath)) {
        this.b.addChild(parent, child, this.at(childPath), childPath.join('.'));
      }
    }
  }

  private hosts(group: string, hosts: Record<string, unknown>, path: Path): void {
    for (const [entry, vars] of Object.entries(hosts)) {
      const hostPath = [...path, entry];
      const where = this.at(hostPath);
      if (vars !== null && !isMapping(vars)) {
        this.b.fail(
          `variables of host "${entry}" must be a mapping`,
          this.at(hostPath, 'value'),
          hostPath.join('.'),
        );
        continue;
      }
      let expanded: { hosts: string[]; port?: number };
      try {
        expanded = expandHostEntry(entry);
      } catch (err) {
        if (!(err instanceof RangeSyntaxError)) throw err;
        this.b.fail(err.message, where, hostPath.join('.'));
        continue;
      }
      if (vars) this.b.issues.push(...checkYamlVars(vars, this.doc.value, hostPath));
      for (const host of expanded.hosts) {
        this.b.addHost(host, group, expanded.port, where);
        if (vars) for (const [k, v] of Object.entries(vars)) this.b.setHostVar(host, k, v);
      }
    }
  }
}
