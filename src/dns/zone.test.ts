// Pure helpers of the DNS-01 core: names, server addresses, TXT quoting.
import { describe, expect, it } from 'vitest';
import { challengeName } from './dns01.js';
import { quoteTxt, unquoteTxt } from './providers/route53/txt.js';
import { subDomainOf } from './providers/ovh/index.js';
import { canonical, formatServer, parseServer } from './resolver.js';
import { parentNames } from './zone.js';

describe('names', () => {
  it('walks from a name up to the top-level domain', () => {
    expect(parentNames('_acme-challenge.a.Example.test')).toEqual([
      '_acme-challenge.a.example.test.',
      'a.example.test.',
      'example.test.',
      'test.',
    ]);
  });

  it('shares one challenge name between apex and wildcard', () => {
    expect(challengeName('example.test')).toBe('_acme-challenge.example.test.');
    expect(challengeName('*.example.test')).toBe('_acme-challenge.example.test.');
    expect(canonical('A.B')).toBe('a.b.');
  });

  it('gives OVH the sub-domain inside the zone', () => {
    expect(subDomainOf('_acme-challenge.www.example.com.', 'example.com.')).toBe('_acme-challenge.www');
    expect(subDomainOf('example.com.', 'example.com')).toBe('');
    expect(() => subDomainOf('x.example.org.', 'example.com.')).toThrow(
      'ovh: x.example.org. is not inside zone example.com.',
    );
  });
});

describe('server addresses', () => {
  it.each([
    ['127.0.0.1', { host: '127.0.0.1', port: 53 }, '127.0.0.1:53'],
    ['127.0.0.1:5300', { host: '127.0.0.1', port: 5300 }, '127.0.0.1:5300'],
    ['[::1]:5300', { host: '::1', port: 5300 }, '[::1]:5300'],
    ['::1', { host: '::1', port: 53 }, '[::1]:53'],
  ])('%s', (text, addr, shown) => {
    expect(parseServer(text)).toEqual(addr);
    expect(formatServer(addr)).toBe(shown);
  });
});

describe('Route53 TXT quoting', () => {
  it('quotes, escapes and splits long values; unquotes back', () => {
    expect(quoteTxt('abc')).toBe('"abc"');
    expect(quoteTxt('a"b\\c')).toBe('"a\\"b\\\\c"');
    const long = 'x'.repeat(300);
    expect(quoteTxt(long)).toBe(`"${'x'.repeat(255)}" "${'x'.repeat(45)}"`);
    expect(unquoteTxt(quoteTxt(long))).toBe(long);
    expect(unquoteTxt(quoteTxt('a"b\\c'))).toBe('a"b\\c');
    expect(unquoteTxt('bare')).toBe('bare');
  });
});
