#!/usr/bin/env -S node --import tsx
// A real exec-provider script: applies `present|cleanup FQDN VALUE` to bind9 through the rfc2136
// provider, configured only from the RFC2136_* environment (lego style).
import { createProvider } from '../../src/dns/registry.js';

const [action, fqdn, value] = process.argv.slice(2);
const provider = createProvider('rfc2136', {});
const ch = {
  domain: process.env.CERTFLEET_DNS_DOMAIN ?? '',
  fqdn,
  value,
  zone: process.env.CERTFLEET_DNS_ZONE ?? '',
};
try {
  if (action === 'present') await provider.present(ch, AbortSignal.timeout(10_000));
  else if (action === 'cleanup') await provider.cleanup(ch, AbortSignal.timeout(10_000));
  else throw new Error(`unknown action ${action}`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
}
