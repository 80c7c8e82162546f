import { describe, expect, it } from 'vitest';
import { setManagedBlock } from './managed-block.js';

const XML = '<Server>\n  <Service name="Catalina">\n    <Engine/>\n  </Service>\n</Server>\n';
const MARK = '<!-- {mark} CERTFLEET MANAGED BLOCK -->';

describe('setManagedBlock', () => {
  it('inserts before the anchor line and keeps everything else byte for byte', () => {
    const out = setManagedBlock(XML, {
      content: '    <Connector port="8443"/>',
      marker: MARK,
      insertBefore: '</Service>',
    });
    expect(out).toBe(
      '<Server>\n  <Service name="Catalina">\n    <Engine/>\n<!-- BEGIN CERTFLEET MANAGED BLOCK -->\n    <Connector port="8443"/>\n<!-- END CERTFLEET MANAGED BLOCK -->\n  </Service>\n</Server>\n',
    );
  });

  it('replaces an existing block in place and is idempotent', () => {
    const once = setManagedBlock(XML, { content: 'A', marker: MARK, insertBefore: '</Service>' });
    expect(setManagedBlock(once, { content: 'A', marker: MARK, insertBefore: '</Service>' })).toBe(once);
    const changed = setManagedBlock(once, { content: 'B\nC', marker: MARK });
    expect(changed).toBe(once.replace('\nA\n', '\nB\nC\n'));
  });

  it('appends with the default # marker when there is no anchor', () => {
    expect(setManagedBlock('global\n\tdaemon', { content: 'frontend x' })).toBe(
      'global\n\tdaemon\n# BEGIN CERTFLEET MANAGED BLOCK\nfrontend x\n# END CERTFLEET MANAGED BLOCK\n',
    );
  });

  it('refuses a half block and a missing anchor with the file name', () => {
    expect(() =>
      setManagedBlock('# BEGIN CERTFLEET MANAGED BLOCK\nx\n', { content: 'y' }, '/etc/haproxy/haproxy.cfg'),
    ).toThrow(
      '/etc/haproxy/haproxy.cfg: marker "# BEGIN CERTFLEET MANAGED BLOCK" has no matching "# END CERTFLEET MANAGED BLOCK"',
    );
    expect(() => setManagedBlock(XML, { content: 'y', insertBefore: '</Nope>' }, 'server.xml')).toThrow(
      'server.xml: no line matches insert_before /</Nope>/',
    );
  });
});
