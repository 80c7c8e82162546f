/**
 * `certfleet ovh credentials --zone example.com [--endpoint ovh-eu]`: request an OVH consumer key
 * limited to one zone's records and print the URL where the user validates it. The application
 * key/secret come from OVH_APPLICATION_KEY / OVH_APPLICATION_SECRET (a secret never goes on a
 * command line, where `ps` shows it).
 */
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { OVH_ENDPOINTS } from '../dns/providers/ovh/client.js';
import { requestCredentials } from '../dns/providers/ovh/credentials.js';
import { registerSecret } from '../output/redact.js';

interface CredentialsOptions {
  zone: string;
  endpoint: string;
  applicationKey?: string;
  redirection?: string;
  json?: boolean;
}

/** Register the `ovh` command group. */
export function registerOvh(program: Command): void {
  const ovh = program.command('ovh').description('OVHcloud helpers');
  ovh
    .command('credentials')
    .description('request a consumer key for DNS-01 on one zone and print its validation URL')
    .requiredOption('--zone <zone>', 'the DNS zone (e.g. example.com)')
    .option(
      '--endpoint <endpoint>',
      `${OVH_ENDPOINTS.join(', ')} or an https:// URL`,
      process.env.OVH_ENDPOINT ?? 'ovh-eu',
    )
    .option('--application-key <key>', 'application key (default $OVH_APPLICATION_KEY)')
    .option('--redirection <url>', 'where OVH sends the browser after validation')
    .option('--json', 'print the answer as JSON')
    .action(async (opts: CredentialsOptions) => {
      const applicationKey = opts.applicationKey ?? process.env.OVH_APPLICATION_KEY;
      const applicationSecret = process.env.OVH_APPLICATION_SECRET;
      const missing = [
        !applicationKey && 'OVH_APPLICATION_KEY (or --application-key)',
        !applicationSecret && 'OVH_APPLICATION_SECRET',
      ]
        .filter(Boolean)
        .join(' and ');
      if (missing) throw new ConfigError(`ovh credentials: set ${missing}`);
      if (!OVH_ENDPOINTS.includes(opts.endpoint) && !/^https:\/\/\S+$/.test(opts.endpoint)) {
        throw new ConfigError(
          `ovh credentials: --endpoint must be one of ${OVH_ENDPOINTS.join(', ')} or an https:// URL`,
        );
      }
      registerSecret(applicationSecret);
      const answer = await requestCredentials({
        endpoint: opts.endpoint,
        applicationKey: applicationKey!,
        applicationSecret: applicationSecret!,
        zone: opts.zone,
        redirection: opts.redirection,
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
        return;
      }
      // the consumer key is what this command is for: it is printed, once, here only
      process.stdout.write(
        [
          `consumer key: ${answer.consumerKey} (${answer.state})`,
          `validate it: open ${answer.validationUrl} and log in`,
          `access rules: ${answer.accessRules.map((r) => `${r.method} ${r.path}`).join(', ')}`,
          'then give it to certfleet as consumer_key (or OVH_CONSUMER_KEY)',
          '',
        ].join('\n'),
      );
    });
}
