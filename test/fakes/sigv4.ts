/**
 * AWS Signature Version 4 verification for the local AWS fakes: the Authorization header format,
 * x-amz-date, the credential scope, the access key, and the signature itself recomputed from the
 * canonical request (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html).
 */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 3986 percent-encoding as SigV4 wants it. */
function escape(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Why the request is not properly signed (AWS error code + message), or undefined when it is. */
export function checkSigV4(
  req: IncomingMessage,
  url: URL,
  body: string,
  accessKeyId: string,
  secretAccessKey: string,
  service = 'route53',
): { code: string; message: string } | undefined {
  const auth = req.headers.authorization;
  const amzDate = req.headers['x-amz-date'];
  if (!auth || typeof amzDate !== 'string')
    return { code: 'MissingAuthenticationToken', message: 'Missing Authentication Token' };
  const m = AUTH.exec(auth);
  if (!m)
    return {
      code: 'IncompleteSignature',
      message: `Authorization header is not a SigV4 header: ${auth.split(' ')[0]}`,
    };
  const [, akid, date, region, svc, signedHeaders, signature] = m;
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== date) {
    return {
      code: 'IncompleteSignature',
      message: `X-Amz-Date ${amzDate} does not match the credential date ${date}`,
    };
  }
  if (svc !== service)
    return {
      code: 'InvalidSignatureException',
      message: `Credential should be scoped to service '${service}'`,
    };
  if (akid !== accessKeyId)
    return {
      code: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
    };
  const t = Date.UTC(
    +amzDate.slice(0, 4),
    +amzDate.slice(4, 6) - 1,
    +amzDate.slice(6, 8),
    +amzDate.slice(9, 11),
    +amzDate.slice(11, 13),
    +amzDate.slice(13, 15),
  );
  if (Math.abs(Date.now() - t) > 5 * 60_000)
    return { code: 'SignatureDoesNotMatch', message: 'Signature expired' };
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date')) {
    return { code: 'SignatureDoesNotMatch', message: 'host and x-amz-date must be signed' };
  }
  const headerLines = names.map((n) => {
    const v = req.headers[n];
    return `${n}:${(Array.isArray(v) ? v.join(',') : (v ?? '')).trim().replace(/\s+/g, ' ')}\n`;
  });
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => [escape(k), escape(v)])
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const payload =
    typeof req.headers['x-amz-content-sha256'] === 'string'
      ? req.headers['x-amz-content-sha256']
      : sha256(body);
  // non-S3 services sign the path escaped once more than it travels
  const path = url.pathname.split('/').map(escape).join('/');
  const canonicalRequest = [req.method, path, query, headerLines.join(''), signedHeaders, payload].join('\n');
  const scope = `${date}/${region}/${svc}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), svc), 'aws4_request');
  if (createHmac('sha256', key).update(toSign).digest('hex') !== signature) {
    return {
      code: 'SignatureDoesNotMatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    };
  }
  return undefined;
}
