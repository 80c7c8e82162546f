/**
 * exec: the escape hatch for any DNS — runs `COMMAND present|cleanup FQDN VALUE` (lego exec /
 * dehydrated style). The zone and the domain are passed in CERTFLEET_DNS_ZONE / CERTFLEET_DNS_DOMAIN.
 * https://go-acme.github.io/lego/dns/exec/
 */
import { execFile } from 'node:child_process';
import { DnsProviderError } from '../../../errors.js';
import { redact } from '../../../output/redact.js';
import type { ProviderDef } from '../../config.js';
import type { DnsChallenge, DnsProvider } from '../../provider.js';

/** The exec config after validation. */
export interface ExecConfig {
  command: string;
  timeout_ms: number;
  propagation_timeout_ms?: number;
  polling_interval_ms?: number;
}

/** The last lines of a script's output, redacted, for an error message. */
function tail(text: string): string {
  const t = redact(text.trim());
  return t.length > 600 ? `...${t.slice(-600)}` : t;
}

class ExecProvider implements DnsProvider {
  readonly propagation?: { timeoutMs: number; intervalMs: number };
  constructor(private readonly cfg: ExecConfig) {
    if (cfg.propagation_timeout_ms) {
      this.propagation = {
        timeoutMs: cfg.propagation_timeout_ms,
        intervalMs: cfg.polling_interval_ms ?? 2000,
      };
    }
  }

  private run(action: 'present' | 'cleanup', ch: DnsChallenge, signal: AbortSignal): Promise<void> {
    const shown = `${this.cfg.command} ${action} ${ch.fqdn} ${ch.value}`;
    return new Promise((resolve, reject) => {
      execFile(
        this.cfg.command,
        [action, ch.fqdn, ch.value],
        {
          timeout: this.cfg.timeout_ms,
          signal,
          env: { ...process.env, CERTFLEET_DNS_ZONE: ch.zone, CERTFLEET_DNS_DOMAIN: ch.domain },
          maxBuffer: 1 << 20,
        },
        (err, _stdout, stderr) => {
          if (!err) return resolve();
          const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
          const how =
            e.code === 'ENOENT' || e.code === 'EACCES'
              ? `cannot run ${this.cfg.command}: ${e.code}`
              : e.killed
                ? `timed out after ${this.cfg.timeout_ms} ms`
                : `exited with code ${e.code}`;
          const out = tail(stderr);
          reject(new DnsProviderError(`exec: "${shown}" ${how}${out ? `: ${out}` : ''}`));
        },
      );
    });
  }

  present(ch: DnsChallenge, signal: AbortSignal): Promise<void> {
    return this.run('present', ch, signal);
  }

  cleanup(ch: DnsChallenge, signal: AbortSignal): Promise<void> {
    return this.run('cleanup', ch, signal);
  }
}

/** Registry entry. */
export const exec: ProviderDef = {
  code: 'exec',
  description: 'run a script: COMMAND present|cleanup FQDN VALUE (any DNS)',
  docs: 'https://go-acme.github.io/lego/dns/exec/',
  schema: {
    type: 'object',
    properties: {
      command: { type: 'string', description: 'path of the executable to run (no shell)', minLength: 1 },
      timeout_ms: {
        type: 'integer',
        description: 'kill the script after this long (ms)',
        minimum: 100,
        default: 60000,
      },
      propagation_timeout_ms: {
        type: 'integer',
        description: 'propagation timeout (ms) for this provider',
        minimum: 100,
      },
      polling_interval_ms: { type: 'integer', description: 'propagation polling interval (ms)', minimum: 50 },
    },
    required: ['command'],
    additionalProperties: false,
  },
  env: {
    command: 'EXEC_PATH',
    timeout_ms: 'EXEC_TIMEOUT_MS',
    propagation_timeout_ms: 'EXEC_PROPAGATION_TIMEOUT_MS',
    polling_interval_ms: 'EXEC_POLLING_INTERVAL_MS',
  },
  secrets: [],
  create: (config) => new ExecProvider(config as unknown as ExecConfig),
};
