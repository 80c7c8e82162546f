/**
 * Provider definitions and their configuration: an explicit object validated by the provider's JSON
 * schema; environment variables `<CODE>_<KEY>` only fill keys the object lacks [lego
 * NewDNSProviderConfig]. Secrets are registered for redaction before anything can print them.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { validateWith } from '../config/validate.js';
import { ConfigError, type Issue } from '../errors.js';
import { registerSecret } from '../output/redact.js';
import type { DnsProvider } from './provider.js';

/** One config key as the schema describes it (also the source of `certfleet dns providers`). */
export interface ProviderProperty {
  type: 'string' | 'integer' | 'number' | 'boolean';
  description: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  /** replaces ajv's message for this key (see config/validate.ts) */
  errorMessage?: string;
}

/** The JSON schema of a provider's config (a flat object, unknown keys refused). */
export interface ProviderSchema {
  type: 'object';
  properties: Record<string, ProviderProperty>;
  required?: string[];
  additionalProperties: false;
  /** draft-07 `dependencies`: key → keys that must come with it */
  dependencies?: Record<string, string[]>;
}

/** A provider: one folder under providers/ and one line in registry.ts. */
export interface ProviderDef {
  code: string;
  aliases?: string[];
  description: string;
  /** upstream API documentation */
  docs?: string;
  schema: ProviderSchema;
  /** env var per key where it differs from `<CODE>_<KEY>` (lego's names) */
  env?: Record<string, string>;
  /** keys holding secrets (redacted everywhere) */
  secrets: string[];
  /** tidy accepted spellings before validation (e.g. `HMAC-SHA256` → `hmac-sha256`) */
  normalize?(config: Record<string, unknown>): void;
  create(config: Record<string, unknown>): DnsProvider;
}

/** Where a config came from, to locate issues in a playbook or inventory file. */
export interface ConfigOrigin {
  root?: unknown;
  prefix?: (string | number)[];
}

/** The environment variable that can fill `key`. */
export function envName(def: ProviderDef, key: string): string {
  return def.env?.[key] ?? `${def.code}_${key}`.toUpperCase();
}

/** Own instance: `verbose` gives errors their schema, so a key's `errorMessage` can replace ajv's text. */
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, validateSchema: false });
const validators = new Map<string, ValidateFunction>();

/** Env strings become numbers/booleans when the schema wants them (else validation explains). */
function coerce(prop: ProviderProperty | undefined, text: string): unknown {
  if (!prop) return text;
  if ((prop.type === 'integer' || prop.type === 'number') && /^-?\d+(\.\d+)?$/.test(text.trim()))
    return Number(text);
  if (prop.type === 'boolean' && /^(true|false|1|0)$/i.test(text.trim()))
    return /^(true|1)$/i.test(text.trim());
  return text;
}

/**
 * Merge env into `raw`, apply defaults, validate; every problem is collected into one ConfigError
 * whose lines start with the provider code (`rfc2136: missing required key "nameserver"`).
 */
export function resolveProviderConfig(
  def: ProviderDef,
  raw: Record<string, unknown> | undefined,
  env: NodeJS.ProcessEnv = process.env,
  origin: ConfigOrigin = {},
): Record<string, unknown> {
  const config: Record<string, unknown> = { ...(raw ?? {}) };
  const fromEnv = new Map<string, string>();
  for (const [key, prop] of Object.entries(def.schema.properties)) {
    const name = envName(def, key);
    if (config[key] === undefined && env[name] !== undefined && env[name] !== '') {
      config[key] = coerce(prop, env[name]);
      fromEnv.set(key, name);
    }
  }
  for (const key of def.secrets) registerSecret(config[key]);
  def.normalize?.(config);
  for (const [key, prop] of Object.entries(def.schema.properties)) {
    if (config[key] === undefined && prop.default !== undefined) config[key] = prop.default;
  }
  let validate = validators.get(def.code);
  if (!validate) {
    validate = ajv.compile(def.schema);
    validators.set(def.code, validate);
  }
  const issues = validateWith(validate, config, { root: origin.root ?? config, prefix: origin.prefix });
  if (issues.length) {
    throw new ConfigError(issues.map((i) => providerIssue(def, i, origin, fromEnv)));
  }
  return config;
}

function providerIssue(
  def: ProviderDef,
  issue: Issue,
  origin: ConfigOrigin,
  fromEnv: Map<string, string>,
): Issue {
  const prefix = (origin.prefix ?? []).join('.');
  const key =
    prefix && issue.path?.startsWith(prefix) ? issue.path.slice(prefix.length + 1) : (issue.path ?? '');
  let message = issue.message;
  const dep = /^must have property (\S+) when property (\S+) is present$/.exec(message);
  const missing = dep?.[1] ?? /^missing required key "([^"]+)"$/.exec(message)?.[1];
  if (missing) {
    const along = dep ? ` (needed with ${dep[2]})` : '';
    message = `missing required key "${missing}"${along}; or set ${envName(def, missing)}`;
  } else if (message.startsWith('unknown key')) {
    message = `${message} (known: ${Object.keys(def.schema.properties).join(', ')})`;
  } else if (key) {
    const env = fromEnv.get(key.split('.')[0]);
    message = `${key}${env ? ` (from ${env})` : ''}: ${message}`;
  }
  return { source: origin.root ? issue.source : undefined, message: `${def.code}: ${message}` };
}
