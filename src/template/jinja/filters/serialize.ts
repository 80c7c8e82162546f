/**
 * Serialisation filters: to_json, to_nice_json, from_json, tojson (Jinja's HTML-safe JSON),
 * to_yaml, to_nice_yaml (PyYAML's emitter as Ansible calls it), from_yaml, from_yaml_all.
 */
import { bindArgs } from '../callable.js';
import type { FilterSpec } from '../environment.js';
import { JinjaRuntimeError } from '../errors.js';
import { jsonDumps, jsonLoads } from '../json.js';
import { pyStr } from '../pystr.js';
import { toNum } from '../values.js';
import { yamlDump } from '../yaml-dump.js';
import { yamlLoad, yamlLoadAll } from '../yaml-load.js';

function jsonOpts(kw: Record<string, unknown>, nice: boolean): Parameters<typeof jsonDumps>[1] {
  for (const k of Object.keys(kw))
    if (
      !['indent', 'sort_keys', 'separators', 'ensure_ascii', 'vault_to_text', 'preprocess_unsafe'].includes(k)
    )
      throw new JinjaRuntimeError(`to_json: unsupported argument '${k}'`);
  const sep = kw.separators as unknown[] | undefined;
  const indent = kw.indent ?? (nice ? 4 : undefined);
  return {
    indent: indent === undefined || indent === null ? undefined : toNum(indent),
    sortKeys: kw.sort_keys === undefined ? nice : kw.sort_keys === true,
    separators: sep ? [pyStr(sep[0]), pyStr(sep[1])] : nice ? [',', ': '] : undefined,
    ensureAscii: kw.ensure_ascii !== false,
  };
}

/** Serialisation filters by name. */
export const SERIALIZE_FILTERS: Record<string, FilterSpec> = {
  to_json: { fn: (v, _a, kw) => jsonDumps(v, jsonOpts(kw, false)), stringResult: true },
  to_nice_json: {
    fn: (v, a, kw) => {
      const [indent, sortKeys] = bindArgs('to_nice_json', ['indent', 'sort_keys'], 0, a, {});
      const opts = { ...kw };
      if (indent !== undefined) opts.indent = indent;
      if (sortKeys !== undefined) opts.sort_keys = sortKeys;
      return jsonDumps(v, jsonOpts(opts, true));
    },
    stringResult: true,
  },
  from_json: { fn: (v) => jsonLoads(pyStr(v)) },
  tojson: {
    fn: (v, a, kw) => {
      const [indent] = bindArgs('tojson', ['indent'], 0, a, kw);
      const text = jsonDumps(v, {
        sortKeys: true,
        indent: indent === undefined || indent === null ? undefined : toNum(indent),
      });
      return text.replace(/[<>&']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    },
  },
  to_yaml: {
    fn: (v, a, kw) => {
      const flow = kw.default_flow_style;
      for (const k of Object.keys(kw))
        if (!['default_flow_style', 'indent', 'width', 'sort_keys', 'explicit_start'].includes(k))
          throw new JinjaRuntimeError(`to_yaml: unsupported argument '${k}'`);
      if (a.length) throw new JinjaRuntimeError('to_yaml: positional arguments are not supported');
      return yamlDump(v, {
        flow: flow === undefined ? null : flow === null ? null : flow === true,
        indent: kw.indent === undefined ? 2 : toNum(kw.indent),
        width: kw.width === undefined ? 80 : toNum(kw.width),
        sortKeys: kw.sort_keys !== false,
        explicitStart: kw.explicit_start === true,
      });
    },
    stringResult: true,
  },
  to_nice_yaml: {
    fn: (v, a, kw) => {
      const [indent] = bindArgs('to_nice_yaml', ['indent'], 0, a, {});
      for (const k of Object.keys(kw))
        if (!['indent', 'width', 'sort_keys', 'explicit_start'].includes(k))
          throw new JinjaRuntimeError(`to_nice_yaml: unsupported argument '${k}'`);
      const ind = kw.indent ?? indent;
      return yamlDump(v, {
        flow: false,
        indent: ind === undefined ? 4 : toNum(ind),
        width: kw.width === undefined ? 80 : toNum(kw.width),
        sortKeys: kw.sort_keys !== false,
        explicitStart: kw.explicit_start === true,
      });
    },
    stringResult: true,
  },
  from_yaml: { fn: (v) => (typeof v === 'string' ? yamlLoad(v) : v) },
  from_yaml_all: { fn: (v) => (typeof v === 'string' ? yamlLoadAll(v) : v) },
};
