/**
 * `-e` values as ansible-playbook takes them: `k=v k2=v2`, `@vars.yml` (YAML or JSON file), or an
 * inline JSON/YAML mapping. Later `-e` win over earlier ones.
 */
import { registerCredentials, warnIfSecretFileExposed } from '../config/secret-file.js';
import { readYamlFile, parseYaml } from '../config/yaml.js';
import { ConfigError } from '../errors.js';

const KV = /^\s*([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/;

/** Merge every `-e` argument into one mapping. */
export async function parseExtraVars(args: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const arg of args) {
    if (arg.startsWith('@')) {
      const doc = await readYamlFile(arg.slice(1));
      warnIfSecretFileExposed(doc.file, doc.value);
      if (doc.value === null || doc.value === undefined) continue;
      if (typeof doc.value !== 'object' || Array.isArray(doc.value))
        throw new ConfigError(`-e ${arg}: the file must hold a mapping of variables`);
      Object.assign(out, doc.value);
    } else if (/^\s*[{[]/.test(arg)) {
      const value = parseYaml(arg, '-e').value;
      if (!value || typeof value !== 'object' || Array.isArray(value))
        throw new ConfigError(`-e ${arg}: must be a mapping`);
      Object.assign(out, value);
    } else {
      let rest = arg;
      while (rest.trim()) {
        const m = KV.exec(rest);
        if (!m) throw new ConfigError(`-e "${arg}": expected key=value, @file or a JSON mapping`);
        let v = m[2];
        if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1);
        out[m[1]] = v;
        rest = rest.slice(m[0].length);
      }
    }
  }
  registerCredentials(out);
  return out;
}
