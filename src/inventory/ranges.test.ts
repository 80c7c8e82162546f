import { describe, expect, it } from 'vitest';
import { expandHostEntry, expandRanges, hasRange, splitPort } from './ranges.js';

describe('host ranges', () => {
  it('expands numeric ranges, keeping zero padding', () => {
    expect(expandRanges('web[01:04].example.com')).toEqual([
      'web01.example.com',
      'web02.example.com',
      'web03.example.com',
      'web04.example.com',
    ]);
    expect(expandRanges('node[8:10]')).toEqual(['node8', 'node9', 'node10']);
  });

  it('expands letter ranges, steps, an empty start and several ranges', () => {
    expect(expandRanges('www-[a:c]')).toEqual(['www-a', 'www-b', 'www-c']);
    expect(expandRanges('x[y:B]')).toEqual(['xy', 'xz', 'xA', 'xB']);
    expect(expandRanges('node[1:10:3]')).toEqual(['node1', 'node4', 'node7', 'node10']);
    expect(expandRanges('edge[:2]')).toEqual(['edge0', 'edge1', 'edge2']);
    expect(expandRanges('db[1:2]-r[a:b]')).toEqual(['db1-ra', 'db1-rb', 'db2-ra', 'db2-rb']);
  });

  it('rejects reversed, mixed, unequal-width and malformed ranges', () => {
    expect(() => expandRanges('web[04:01]')).toThrow(
      'bad host range "web[04:01]": begin must not be after end',
    );
    expect(() => expandRanges('web[a:1]')).toThrow(
      'bounds must be two numbers or two letters, got "a" and "1"',
    );
    expect(() => expandRanges('web[01:100]')).toThrow('begin and end must have the same width');
    expect(() => expandRanges('web[1:2:0]')).toThrow('step must be a positive integer');
    expect(() => expandRanges('web[1:]')).toThrow('missing end value');
    expect(() => expandRanges('web[1:2:3:4]')).toThrow('must be [begin:end] or [begin:end:step]');
  });

  it('detects ranges like Ansible: "[" before ":" before "]"', () => {
    expect(hasRange('web[1:2]')).toBe(true);
    expect(hasRange('web[1]')).toBe(false);
    expect(hasRange('plain.example.com')).toBe(false);
  });

  it('splits a port off names, ranges and bracketed IPv6, but not off bare IPv6', () => {
    expect(splitPort('web1:2222')).toEqual({ pattern: 'web1', port: 2222 });
    expect(splitPort('app[1:3]:22')).toEqual({ pattern: 'app[1:3]', port: 22 });
    expect(splitPort('[2001:db8::1]:2200')).toEqual({ pattern: '2001:db8::1', port: 2200 });
    expect(splitPort('2001:db8::1')).toEqual({ pattern: '2001:db8::1' });
    expect(expandHostEntry('app[1:2]:2222')).toEqual({ hosts: ['app1', 'app2'], port: 2222 });
  });
});
