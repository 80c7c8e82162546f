/**
 * What a web server's configuration serves over TLS, as every config parser (webservers/*-config.ts)
 * returns it: the audit reads it, and so does whatever needs to know which names a fleet serves.
 */
import type { WebServerKind } from './kind.js';

/** One TLS listener block of a web-server config (nginx server{}, Apache vhost, HAProxy bind...). */
export interface TlsSite {
  server: WebServerKind;
  /** config file and line where the block starts */
  file: string;
  line: number;
  serverNames: string[];
  /** TCP ports served with TLS */
  ports: number[];
  /** certificate files (nginx ssl_certificate, SSLCertificateFile, HAProxy crt, ...) */
  certFiles: string[];
  /** key files; empty when the key lives in the certificate file (HAProxy) */
  keyFiles: string[];
  /** extra chain files (SSLCertificateChainFile, certificateChainFile) */
  chainFiles: string[];
  /** protocols enabled, as written (`TLSv1.2`, `TLSv1`...); undefined when not set */
  protocols?: string[];
  stapling: boolean;
}
