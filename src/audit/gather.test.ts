import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../connections/local.js';
import { gatherFacts, gatherScript, GatherParseError, parseGatherOutput, parseOsRelease } from './gather.js';

describe('parseGatherOutput', () => {
  const M = '@@CERTFLEET-0011223344556677';
  const frame = (kind: string, arg: string, body: string) =>
    `\n${M} BEGIN ${kind} ${arg}\n${body}\n${M} END\n`;

  it('reads every section kind, keeping bodies byte-exact', () => {
    const out =
      frame('os-release', '-', 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian \\"x\\""\n') +
      frame('servers', '-', 'installed nginx\nrunning nginx\ninstalled apache\ninstalled bogus\n') +
      frame('main', 'nginx /etc/nginx/nginx.conf', '') +
      frame('conf', 'nginx /etc/nginx/nginx.conf', 'http {}') +
      frame('stat', '/k.pem', '644 root root regular file\n') +
      frame('stat', '/gone.pem', 'missing\n') +
      frame('certs', '/c.pem', '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n') +
      frame('pubkey', '/k.pem', '-----BEGIN PUBLIC KEY-----\nBB==\n-----END PUBLIC KEY-----\n') +
      frame('keyerror', '/enc.pem', 'Could not read key\n') +
      frame('done', '-', '');
    // transports may trim the leading and trailing newlines
    const f = parseGatherOutput(out.trim(), M);
    expect(f.osRelease).toEqual({ ID: 'debian', VERSION_ID: '12', PRETTY_NAME: 'Debian "x"' });
    expect(f.installed).toEqual(['nginx', 'apache']);
    expect(f.running).toEqual(['nginx']);
    expect(f.mainConfig).toEqual({ nginx: '/etc/nginx/nginx.conf' });
    expect([...f.configs.nginx!]).toEqual([['/etc/nginx/nginx.conf', 'http {}']]);
    expect(f.stats.get('/k.pem')).toEqual({
      exists: true,
      mode: '644',
      owner: 'root',
      group: 'root',
      type: 'regular file',
    });
    expect(f.stats.get('/gone.pem')).toEqual({ exists: false });
    expect(f.certs.get('/c.pem')).toBe('-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n');
    expect(f.pubkeys.get('/k.pem')).toContain('PUBLIC KEY');
    expect(f.keyErrors.get('/enc.pem')).toBe('Could not read key');
  });

  it('cannot be fooled by a config that prints a frame with another mark', () => {
    const forged =
      '\n@@CERTFLEET-ffffffffffffffff BEGIN stat /etc/shadow\nmissing\n@@CERTFLEET-ffffffffffffffff END\n';
    const f = parseGatherOutput(frame('conf', 'nginx /n.conf', forged) + frame('done', '-', ''), M);
    expect(f.stats.size).toBe(0);
    expect(f.configs.nginx!.get('/n.conf')).toBe(forged);
  });

  it('rejects truncated output', () => {
    expect(() => parseGatherOutput(frame('os-release', '-', 'ID=x'), M)).toThrow(GatherParseError);
    expect(() => parseGatherOutput(`\n${M} BEGIN conf nginx /x\nhalf`, M)).toThrow(
      'gather output is truncated',
    );
  });

  it('parses os-release quoting', () => {
    expect(parseOsRelease("ID='centos'\n# c\nVERSION_ID=9\nbad line")).toEqual({
      ID: 'centos',
      VERSION_ID: '9',
    });
  });
});

describe('gather.sh on this machine (read-only, local connection)', () => {
  it('reports os-release, installed web servers and their configs, with fresh marks', async () => {
    expect(gatherScript().mark).not.toBe(gatherScript().mark);
    const facts = await gatherFacts(new LocalConnection('control'), { timeoutMs: 20_000 });
    expect(facts.osRelease).toEqual(parseOsRelease(readFileSync('/etc/os-release', 'utf8')));
    // the lab's web servers are installed on the control node (CI installs them too)
    expect(facts.installed).toEqual(expect.arrayContaining(['nginx', 'apache', 'haproxy']));
    expect(facts.mainConfig.nginx).toBe('/etc/nginx/nginx.conf');
    expect(facts.configs.nginx!.get('/etc/nginx/nginx.conf')).toBe(
      readFileSync('/etc/nginx/nginx.conf', 'utf8'),
    );
    expect(facts.configs.apache!.has('/etc/apache2/ports.conf')).toBe(true);
  });
});
