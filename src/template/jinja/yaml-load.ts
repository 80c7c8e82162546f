/**
 * from_yaml / from_yaml_all: YAML 1.1 (PyYAML's SafeLoader types: yes/no booleans, 0-prefixed
 * octal) into the engine's values — mappings as Maps in document order, floats kept floats.
 * Dates (PyYAML makes datetime.date) have no engine type and fail rather than differ.
 */
import { Document, isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import { JinjaRuntimeError } from './errors.js';
import { mkFloat, newDict } from './values.js';

const PY_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;

function convert(n: Node | null | undefined): unknown {
  if (!n) return null;
  if (isMap(n)) return newDict(n.items.map((p) => [convert(p.key as Node), convert(p.value as Node)]));
  if (isSeq(n)) return n.items.map((x) => convert(x as Node));
  if (isScalar(n)) {
    const v = n.value;
    if (v instanceof Date)
      throw new JinjaRuntimeError('from_yaml: YAML dates (datetime.date in Python) are not supported');
    // PyYAML's YAML 1.1 booleans are yes/no/true/false/on/off only (not y/n)
    if (typeof v === 'boolean' && n.type === 'PLAIN' && !PY_BOOL.test(String(n.source)))
      return String(n.source);
    if (typeof v === 'number' && n.type === 'PLAIN' && /[.eE]|inf|nan/i.test(String(n.source ?? '')))
      return mkFloat(v);
    return v === undefined ? null : v;
  }
  throw new JinjaRuntimeError('from_yaml: unsupported YAML node (aliases and tags are not supported)');
}

function docs(text: string): Document[] {
  const all = parseAllDocuments(text, { version: '1.1', uniqueKeys: false });
  if (!Array.isArray(all)) return [];
  for (const d of all)
    if (d.errors.length) throw new JinjaRuntimeError(`from_yaml: ${d.errors[0].message.split('\n')[0]}`);
  return all;
}

/** yaml.safe_load */
export function yamlLoad(text: string): unknown {
  const d = docs(text);
  if (d.length > 1) throw new JinjaRuntimeError('from_yaml: expected a single document in the stream');
  return d.length ? convert(d[0].contents) : null;
}

/** yaml.safe_load_all (as a list) */
export function yamlLoadAll(text: string): unknown[] {
  return docs(text).map((d) => convert(d.contents as Node));
}
