/**
 * Ask OVH for a consumer key limited to one zone's records (POST /auth/credential): the user opens
 * the validation URL, logs in, and the key becomes usable for exactly these calls.
 * https://help.ovhcloud.com/csm/en-api-getting-started-ovhcloud-api#request-your-token
 */
import { ovhApi } from './client.js';

/** What `certfleet ovh credentials` needs. */
export interface CredentialRequest {
  endpoint: string;
  applicationKey: string;
  applicationSecret: string;
  zone: string;
  /** where OVH sends the browser after validation */
  redirection?: string;
}

/** The consumer key (valid once validated) and the URL to validate it. */
export interface CredentialAnswer {
  consumerKey: string;
  validationUrl: string;
  state: string;
  accessRules: { method: string; path: string }[];
}

/** The minimal rules for DNS-01 on one zone: records (read, add, delete) and refresh. */
export function zoneAccessRules(zone: string): { method: string; path: string }[] {
  const z = zone.replace(/\.$/, '');
  return [
    { method: 'GET', path: `/domain/zone/${z}/*` },
    { method: 'POST', path: `/domain/zone/${z}/*` },
    { method: 'DELETE', path: `/domain/zone/${z}/*` },
    { method: 'POST', path: `/domain/zone/${z}/refresh` },
  ];
}

/** Request a consumer key for `zone`. */
export async function requestCredentials(req: CredentialRequest): Promise<CredentialAnswer> {
  const api = ovhApi({
    endpoint: req.endpoint,
    applicationKey: req.applicationKey,
    applicationSecret: req.applicationSecret,
  });
  const accessRules = zoneAccessRules(req.zone);
  const body: Record<string, unknown> = { accessRules };
  if (req.redirection) body.redirection = req.redirection;
  const answer = await api.call<{ consumerKey: string; validationUrl: string; state: string }>(
    'POST',
    '/auth/credential',
    body,
  );
  return { ...answer, accessRules };
}
