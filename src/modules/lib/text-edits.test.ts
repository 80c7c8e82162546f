import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../output/diff.js';
import { applyBlock } from '../blockinfile.js';
import { insertIndex } from '../../files/managed-block.js';
import { parseFacts } from './facts.js';
import { parseMode } from '../../files/mode.js';
import { splitWords } from './run-command.js';

describe('parseMode', () => {
  it('reads strings as octal and integers as the octal digits typed', () => {
    expect(parseMode('0644')).toBe(0o644);
    expect(parseMode('600')).toBe(0o600);
    expect(parseMode(644)).toBe(0o644);
    expect(parseMode('0o755')).toBe(0o755);
    expect(parseMode(undefined)).toBeUndefined();
    expect(() => parseMode('u+rw')).toThrow(
      `invalid mode "u+rw" (not an octal mode such as '0644'; quote it in YAML)`,
    );
    expect(() => parseMode(999)).toThrow(/not an octal mode/);
  });
});

describe('splitWords', () => {
  it('splits like a shell without expanding anything', () => {
    expect(splitWords(`echo "a  b" 'c d' e\\ f $HOME | x`)).toEqual([
      'echo',
      'a  b',
      'c d',
      'e f',
      '$HOME',
      '|',
      'x',
    ]);
    expect(splitWords(`printf "q\\"t" ''`)).toEqual(['printf', 'q"t', '']);
    expect(() => splitWords(`echo "open`)).toThrow('unterminated " quote');
  });
});

describe('insertIndex', () => {
  const lines = ['a', 'b', 'a', 'c'];
  it('uses the last match, BOF/EOF, and EOF when nothing matches', () => {
    expect(insertIndex(lines, { after: '^a' })).toBe(3);
    expect(insertIndex(lines, { before: '^a' })).toBe(2);
    expect(insertIndex(lines, { before: 'BOF' })).toBe(0);
    expect(insertIndex(lines, { after: 'EOF' })).toBe(4);
    expect(insertIndex(lines, { after: '^zzz' })).toBe(4);
  });
});

describe('applyBlock', () => {
  it('inserts, replaces and removes between custom markers', () => {
    const p = { path: 'x', block: 'one\ntwo', marker: '<!-- {mark} certs -->' };
    const ins = applyBlock(['<a>', '</a>'], { ...p, insertbefore: '^</a>' });
    expect(ins).toEqual({
      lines: ['<a>', '<!-- BEGIN certs -->', 'one', 'two', '<!-- END certs -->', '</a>'],
      msg: 'block inserted',
    });
    expect(applyBlock(ins.lines, { ...p, block: 'three' }).lines).toEqual([
      '<a>',
      '<!-- BEGIN certs -->',
      'three',
      '<!-- END certs -->',
      '</a>',
    ]);
    expect(applyBlock(ins.lines, p).msg).toBe('');
    expect(applyBlock(ins.lines, { ...p, block: '' })).toEqual({
      lines: ['<a>', '</a>'],
      msg: 'block removed',
    });
  });
});

describe('unifiedDiff', () => {
  it('produces diff -u hunks and hides private keys', () => {
    expect(unifiedDiff('/f', 'a\nb\n', 'a\nc\n').unified).toBe(
      '--- /f (before)\n+++ /f (after)\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n',
    );
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const pem = key.export({ format: 'pem', type: 'sec1' }).toString();
    const k = unifiedDiff('/k', '', pem);
    expect(k).toEqual({
      path: '/k',
      before: '(diff hidden: private key)',
      after: '(diff hidden: private key)',
      unified: expect.stringContaining('(diff hidden: private key)'),
    });
    expect(JSON.stringify(k)).not.toContain(pem.split('\n')[1]);
    expect(JSON.stringify(k)).not.toContain('BEGIN EC');
    // a caller that knows the file is a key (by name) hides it without fetching either side
    expect(unifiedDiff('/k', '', '', 'key')).toEqual(k);
    expect(unifiedDiff('/s', 'a', 'b', 'secret').unified).toContain('(diff hidden: secret)');
  });
});

describe('parseFacts', () => {
  it('maps os-release to Ansible names and reads web server lines', () => {
    const f = parseFacts(
      [
        'hostname|web1.example.test',
        'os|ID|"rocky"',
        'os|VERSION_ID|"9.3"',
        'os|VERSION|"9.3 (Blue Onyx)"',
        'init|systemd',
        'ws|nginx|bin|/usr/sbin/nginx',
        'ws|nginx|version|nginx version: nginx/1.24.0 ',
        'ws|nginx|pid|42',
        'ws|nginx|cert|    ssl_certificate "/etc/pki/tls/certs/a b.pem";',
        'ws|nginx|cert|  ssl_certificate /etc/pki/x.pem; # ssl_certificate /old.pem',
        'ws|haproxy|cert|  bind :443 ssl crt /etc/haproxy/certs/ alpn h2',
      ].join('\n'),
    );
    expect(f).toMatchObject({
      distribution: 'Rocky',
      os_family: 'RedHat',
      distribution_version: '9.3',
      distribution_major_version: '9',
      distribution_release: 'Blue Onyx',
      hostname: 'web1',
      service_mgr: 'systemd',
    });
    expect(f.certfleet_webservers.nginx).toEqual({
      installed: true,
      running: true,
      binary: '/usr/sbin/nginx',
      version: '1.24.0',
      pid: 42,
      certificates: ['/etc/pki/tls/certs/a b.pem', '/etc/pki/x.pem'],
    });
    expect(f.certfleet_webservers.haproxy.certificates).toEqual(['/etc/haproxy/certs/']);
  });
});
