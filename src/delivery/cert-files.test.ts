import { describe, expect, it } from 'vitest';
import { certFiles, certPaths } from './cert-files.js';
import { combinedPem, normalizeSerial } from '../store/cert-pem.js';
import type { StoredCert } from '../store/types.js';
import { fstabLine } from './deploy-mount.js';
import { parseMode } from '../files/mode.js';

const cert: StoredCert = {
  name: 'wild',
  liveDir: '/state/certs/wild/live',
  cert: '-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----\n',
  chain: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n',
  fullchain:
    '-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----\n\n-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n',
  privkey: '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n',
  serial: 'AB',
  notAfter: '',
  names: [],
};

describe('certificate file set', () => {
  it('lays the files out with public 0644 and secret 0600 modes', () => {
    const files = certFiles(cert, {
      dir: '/etc/ssl/certfleet/wild/',
      group: 'ssl-cert',
      combinedPath: '/etc/haproxy/certs/wild.pem',
    });
    expect(files.map((f) => [f.path, f.mode.toString(8), f.group, f.secret ?? false])).toEqual([
      ['/etc/ssl/certfleet/wild/cert.pem', '644', 'ssl-cert', false],
      ['/etc/ssl/certfleet/wild/chain.pem', '644', 'ssl-cert', false],
      ['/etc/ssl/certfleet/wild/fullchain.pem', '644', 'ssl-cert', false],
      ['/etc/ssl/certfleet/wild/privkey.pem', '600', 'ssl-cert', true],
      ['/etc/haproxy/certs/wild.pem', '600', 'ssl-cert', true],
    ]);
    expect(certPaths({ dir: '/x/' }).privkey).toBe('/x/privkey.pem');
  });

  it('builds the HAProxy combined PEM without blank lines', () => {
    expect(combinedPem(cert)).toBe(
      '-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n',
    );
  });

  it('writes fstab lines for bind and NFS mounts', () => {
    expect(fstabLine('bind', '/var/lib/certfleet/certs/wild', '/etc/ssl/certfleet/wild')).toBe(
      '/var/lib/certfleet/certs/wild /etc/ssl/certfleet/wild none bind,ro 0 0',
    );
    expect(fstabLine('nfs', 'ctl:/srv/my certs', '/mnt/c')).toBe(
      'ctl:/srv/my\\040certs /mnt/c nfs ro,nosuid,nodev,noexec,_netdev 0 0',
    );
  });

  it('parses modes and serials', () => {
    expect(parseMode('0640', 0o600)).toBe(0o640);
    expect(parseMode(640, 0o600)).toBe(0o640);
    expect(parseMode(undefined, 0o600)).toBe(0o600);
    expect(() => parseMode('rw-r--r--', 0o600)).toThrow('invalid mode "rw-r--r--"');
    expect(normalizeSerial('00:ab:CD:01')).toBe('ABCD01');
  });
});
