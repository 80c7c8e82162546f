import { describe, expect, it } from 'vitest';
import { compileCondition, evaluateAll, translate } from './condition.js';
import { tagsSelected } from '../engine/tags.js';

const vars = { r: { rc: 0, stdout: 'ok here', failed: false, changed: true }, l: ['a', 'b'], n: 5, s: 'x' };

describe('conditions', () => {
  it.each([
    ["r.rc == 0 and s == 'x'", true],
    ['n > 3 and not (n >= 10)', true],
    ["s in ('x', 'y')", true],
    ["'c' not in l", true],
    ['l | length == 2', true],
    ['ghost is not defined', true],
    ['ghost is undefined or ghost.x', true],
    ['r.rc is defined', true],
    ['r is changed and r is not failed and r is succeeded', true],
    ["contains(r.stdout, 'here')", true],
    ['True and not False', true],
    ['r.rc != 0', false],
    // Jinja's `in` on a variable: substring of a string, element of a list, key of a mapping
    ["'her' in r.stdout", true],
    ["'nowhere' not in r.stdout", true],
    ["'a' in l and not 'z' in l", true],
    ["'rc' in r", true],
    ["'zz' in r", false],
  ])('%s → %s', (expr, want) => {
    expect(evaluateAll([expr], vars)).toBe(want);
  });
  it('a list of conditions is an and; booleans work', () => {
    expect(evaluateAll(['n == 5', true], vars)).toBe(true);
    expect(evaluateAll(['n == 5', false], vars)).toBe(false);
  });
  it('names an undefined variable; a syntax error fails at compile time', () => {
    expect(() => evaluateAll(['ghost == 1'], vars)).toThrow('undefined variable "ghost"');
    expect(() => compileCondition('n ==== 1')).toThrow(/^bad expression "n ==== 1"/);
  });
  it('rewrites only outside string literals', () => {
    expect(translate(`x == 'a is defined' and y is defined`)).toBe('x == "a is defined" and __defined("y")');
    expect(translate(`'b in c' == s and 'q' in s`)).toBe('"b in c" == s and __in("q", s)');
  });
});

describe('tags', () => {
  it.each([
    [[], [], [], true],
    [['a'], ['a'], [], true],
    [['a'], ['b'], [], false],
    [['always'], ['b'], [], true],
    [['always'], [], ['always'], false],
    [['never'], [], [], false],
    [['never', 'x'], ['x'], [], true],
    [['a'], [], ['a'], false],
    [[], ['untagged'], [], true],
    [['a'], ['tagged'], [], true],
  ])('task %j with --tags %j --skip-tags %j → %s', (task, only, skip, want) => {
    expect(tagsSelected(task, only, skip)).toBe(want);
  });
});
