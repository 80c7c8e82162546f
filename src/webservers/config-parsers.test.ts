import { describe, expect, it } from 'vitest';
import { apacheProtocols, apacheTlsSites } from './apache-config.js';
import { expandInclude, legacyProtocols, portOf } from './config-common.js';
import { haproxyTlsSites } from './haproxy-config.js';
import { nginxTlsSites } from './nginx-config.js';
import { tomcatTlsSites } from './tomcat-config.js';

describe('config-common', () => {
  it('expands include globs against gathered files, sorted, and directories', () => {
    const files = [
      '/etc/nginx/conf.d/b.conf',
      '/etc/nginx/conf.d/a.conf',
      '/etc/nginx/mime.types',
      '/etc/apache2/sites/x',
    ];
    expect(expandInclude('conf.d/*.conf', '/etc/nginx', files)).toEqual([
      '/etc/nginx/conf.d/a.conf',
      '/etc/nginx/conf.d/b.conf',
    ]);
    expect(expandInclude('/etc/nginx/mime.types', '/x', files)).toEqual(['/etc/nginx/mime.types']);
    expect(expandInclude('sites/', '/etc/apache2', files)).toEqual(['/etc/apache2/sites/x']);
  });
  it('reads ports and legacy protocols', () => {
    expect(['443', '*:443', '[::]:8443', '10.0.0.1:443', 'x'].map(portOf)).toEqual([
      443,
      443,
      8443,
      443,
      undefined,
    ]);
    expect(legacyProtocols(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.0'])).toEqual([
      'TLSv1',
      'TLSv1.1',
      'TLSv1.0',
    ]);
    expect(legacyProtocols(undefined)).toEqual([]);
  });
});

describe('nginx', () => {
  const files = new Map([
    [
      '/etc/nginx/nginx.conf',
      'events {}\nhttp {\n  ssl_protocols TLSv1 TLSv1.1 TLSv1.2; # Debian default\n  include /etc/nginx/sites-enabled/*;\n}\n',
    ],
    [
      '/etc/nginx/sites-enabled/a',
      [
        'server {',
        '  listen 80;',
        '  server_name plain.example;',
        '}',
        'server {',
        '  listen 443 ssl http2;',
        '  listen [::]:443 ssl;',
        '  server_name a.example "www.a.example";',
        '  ssl_certificate /etc/ssl/certfleet/a/fullchain.pem;',
        '  ssl_certificate_key certs/a.key; # relative to the prefix',
        '  ssl_stapling on;',
        '  location / { return 200 "}{;"; }',
        '}',
        'server {',
        '  listen 8443 ssl;',
        '  ssl_protocols TLSv1.2 TLSv1.3;',
        '  ssl_certificate /c/$ssl_server_name.pem;',
        '}',
      ].join('\n'),
    ],
  ]);
  it('finds TLS servers with inherited protocols, relative keys and positions', () => {
    const sites = nginxTlsSites('/etc/nginx/nginx.conf', files);
    expect(sites).toEqual([
      {
        server: 'nginx',
        file: '/etc/nginx/sites-enabled/a',
        line: 5,
        serverNames: ['a.example', 'www.a.example'],
        ports: [443],
        certFiles: ['/etc/ssl/certfleet/a/fullchain.pem'],
        keyFiles: ['/etc/nginx/certs/a.key'],
        chainFiles: [],
        protocols: ['TLSv1', 'TLSv1.1', 'TLSv1.2'],
        stapling: true,
      },
      {
        server: 'nginx',
        file: '/etc/nginx/sites-enabled/a',
        line: 14,
        serverNames: [],
        ports: [8443],
        certFiles: [],
        keyFiles: [],
        chainFiles: [],
        protocols: ['TLSv1.2', 'TLSv1.3'],
        stapling: false,
      },
    ]);
  });
});

describe('apache', () => {
  const files = new Map([
    [
      '/etc/httpd/conf/httpd.conf',
      'ServerRoot /etc/httpd\nSSLProtocol all -SSLv3\nIncludeOptional conf.d/*.conf\n',
    ],
    [
      '/etc/httpd/conf.d/ssl.conf',
      [
        '<IfModule mod_ssl.c>',
        '<VirtualHost *:443 [::]:443>',
        '  ServerName b.example:443',
        '  ServerAlias \\',
        '     www.b.example',
        '  SSLEngine on',
        '  SSLCertificateFile "/etc/ssl/certfleet/b/cert.pem"',
        '  sslcertificatekeyfile /etc/ssl/certfleet/b/privkey.pem',
        '  SSLCertificateChainFile certs/chain.pem',
        '  SSLUseStapling On',
        '</VirtualHost>',
        '<VirtualHost *:8443>',
        '  SSLEngine on',
        '  SSLProtocol -all +TLSv1.2 +TLSv1.3',
        '  SSLCertificateFile /x.pem',
        '</VirtualHost>',
        '<VirtualHost *:80>',
        '  ServerName plain',
        '</VirtualHost>',
        '</IfModule>',
      ].join('\n'),
    ],
  ]);
  it('applies SSLProtocol like mod_ssl', () => {
    expect(apacheProtocols(['all', '-SSLv3'])).toEqual(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
    expect(apacheProtocols(['-all', '+TLSv1.2'])).toEqual(['TLSv1.2']);
    expect(apacheProtocols(['TLSv1.2', 'TLSv1.3'])).toEqual(['TLSv1.3']);
  });
  it('finds SSL vhosts, continuation lines and server-level protocols', () => {
    const sites = apacheTlsSites('/etc/httpd/conf/httpd.conf', '/etc/httpd', files);
    expect(
      sites.map((s) => [
        s.line,
        s.serverNames,
        s.ports,
        s.certFiles,
        s.keyFiles,
        s.chainFiles,
        s.protocols,
        s.stapling,
      ]),
    ).toEqual([
      [
        2,
        ['b.example', 'www.b.example'],
        [443],
        ['/etc/ssl/certfleet/b/cert.pem'],
        ['/etc/ssl/certfleet/b/privkey.pem'],
        ['/etc/httpd/certs/chain.pem'],
        ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
        true,
      ],
      [12, [], [8443], ['/x.pem'], [], [], ['TLSv1.2', 'TLSv1.3'], false],
    ]);
  });
});

describe('haproxy', () => {
  it('finds ssl binds with crt-base and min versions', () => {
    const cfg = [
      'global',
      '  crt-base /etc/ssl/private',
      '  ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets',
      'frontend web',
      '  bind :80',
      '  bind :443,:8443 ssl crt site.pem crt /etc/ssl/certfleet/c/ alpn h2',
      'listen old',
      '  bind 10.0.0.1:9443 ssl crt /old.pem ssl-min-ver TLSv1.0 # legacy clients',
    ].join('\n');
    const sites = haproxyTlsSites('/etc/haproxy/haproxy.cfg', new Map([['/etc/haproxy/haproxy.cfg', cfg]]));
    expect(sites.map((s) => [s.line, s.ports, s.certFiles, s.protocols])).toEqual([
      [6, [443, 8443], ['/etc/ssl/private/site.pem', '/etc/ssl/certfleet/c/'], ['TLSv1.2', 'TLSv1.3']],
      [8, [9443], ['/old.pem'], ['TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']],
    ]);
  });
});

describe('tomcat', () => {
  it('finds SSL connectors with PEM certificates, ignoring comments', () => {
    const xml = [
      '<Server>',
      '<!-- <Connector port="9443" SSLEnabled="true"/> -->',
      '<Connector port="8080" protocol="HTTP/1.1"/>',
      '<Connector port="8443" protocol="org.apache.coyote.http11.Http11NioProtocol" SSLEnabled="true">',
      '  <SSLHostConfig hostName="d.example" protocols="TLSv1.2,TLSv1.3">',
      '    <Certificate certificateFile="conf/d.crt" certificateKeyFile="/etc/ssl/d.key" certificateChainFile="/etc/ssl/chain.pem" type="EC"/>',
      '  </SSLHostConfig>',
      '</Connector>',
      '</Server>',
    ].join('\n');
    const sites = tomcatTlsSites(
      '/opt/tomcat/conf/server.xml',
      new Map([['/opt/tomcat/conf/server.xml', xml]]),
    );
    expect(sites).toEqual([
      {
        server: 'tomcat',
        file: '/opt/tomcat/conf/server.xml',
        line: 4,
        serverNames: ['d.example'],
        ports: [8443],
        certFiles: ['/opt/tomcat/conf/d.crt'],
        keyFiles: ['/etc/ssl/d.key'],
        chainFiles: ['/etc/ssl/chain.pem'],
        protocols: ['TLSv1.2', 'TLSv1.3'],
        stapling: false,
      },
    ]);
  });
});
