#!/usr/bin/env node
/**
 * certfleet's command line. Each command lives in its own file and registers itself here; every
 * error ends in handleError (one place decides messages and exit codes).
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { packageFile } from '../paths.js';
import { ConfigError } from '../errors.js';
import { registerAudit } from './audit.js';
import { handleError } from './handle-error.js';
import { registerInventory } from './inventory.js';
import { registerRun } from './run.js';
import { registerValidate } from './validate.js';
import { registerCerts } from './certs.js';
import { registerSchedule } from './schedule.js';
import { registerDns } from './dns.js';
import { registerOvh } from './ovh.js';

const { version } = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command('certfleet')
    .description('Keep a fleet of servers on valid TLS certificates: ACME DNS-01, delivery, audits.')
    .version(version, '-V, --version')
    .option('-v, --verbose', 'show causes and request details on errors')
    .showSuggestionAfterError()
    .exitOverride();
  registerInventory(program);
  registerValidate(program);
  registerCerts(program);
  registerSchedule(program);
  registerRun(program);
  registerAudit(program);
  registerDns(program);
  registerOvh(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" for commander; usage errors are bad input (exit 4)
      if (err.exitCode === 0) return 0;
      return handleError(new ConfigError(err.message.replace(/^error: /, '')), { verbose });
    }
    return handleError(err, { verbose, tty: process.stderr.isTTY });
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = handleError(err);
  },
);
