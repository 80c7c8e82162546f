/**
 * The web servers certfleet knows, by one name each: `apache` covers Debian's apache2 and Red Hat's
 * httpd, `tomcat` every Tomcat 9/10 packaging. Users may write the service names they know.
 */

/** A web server kind (facts keys, audit reports, tls_site `server:`). */
export type WebServerKind = 'nginx' | 'apache' | 'haproxy' | 'tomcat';

/** Every kind, in the order facts and reports list them. */
export const WEB_SERVER_KINDS: readonly WebServerKind[] = ['nginx', 'apache', 'haproxy', 'tomcat'];

const ALIASES: Record<string, WebServerKind> = {
  nginx: 'nginx',
  apache: 'apache',
  apache2: 'apache',
  httpd: 'apache',
  haproxy: 'haproxy',
  tomcat: 'tomcat',
  tomcat9: 'tomcat',
  tomcat10: 'tomcat',
};

/** The kind for a name as users write it (`apache2`, `httpd`, `tomcat9`...), or undefined. */
export function kindOf(name: string): WebServerKind | undefined {
  return ALIASES[name.toLowerCase()];
}
