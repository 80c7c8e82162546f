// Types for the parts of the official `ovh` client (CommonJS, untyped) that certfleet uses.
declare module 'ovh' {
  interface OvhParams {
    appKey: string;
    appSecret: string;
    consumerKey?: string;
    endpoint?: string;
    host?: string;
    port?: number;
    basePath?: string;
    timeout?: number;
    apiTimeDiff?: number | null;
  }
  interface OvhClient {
    /** rejects with `{ error: httpStatus | errno | string, message: string | null }` */
    requestPromised(method: string, path: string, params?: Record<string, unknown>): Promise<unknown>;
    apiTimeDiff: number | null;
  }
  // Node's ESM loader hands `module.exports` (the factory) to a default import
  export default function ovh(params: OvhParams): OvhClient;
}
