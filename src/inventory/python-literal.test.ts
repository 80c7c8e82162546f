import { describe, expect, it } from 'vitest';
import { literalEval } from './python-literal.js';
import { typeIniValue } from './loaders/ini.js';
import { shlexSplit } from './loaders/shlex.js';

// Expected values are what Python's ast.literal_eval gives (and so what ansible-inventory prints).
describe('Python literals (INI value typing)', () => {
  it.each([
    ['42', 42],
    ['-7', -7],
    ['0x1F', 31],
    ['0o17', 15],
    ['0b101', 5],
    ['1_000', 1000],
    ['3.5', 3.5],
    ['1e3', 1000],
    ['.5', 0.5],
    ['True', true],
    ['False', false],
    ['None', null],
    ["'42'", '42'],
    ['"x"', 'x'],
    ["'a' 'b'", 'ab'],
    ["'tab\\there'", 'tab\there'],
    ["r'\\n'", '\\n'],
    ["[1, 'two', 3.0]", [1, 'two', 3]],
    ["{'a': 1, 'b': [True, None]}", { a: 1, b: [true, null] }],
    ['(1, 2)', [1, 2]],
    ['(1,)', [1]],
    ['(1)', 1],
    ['5 # comment', 5],
    ['[1,\n 2]', [1, 2]],
  ])('%s', (text, value) => {
    expect(literalEval(text)).toEqual({ value });
  });

  it.each(['true', 'yes', 'hello world', 'abc', '', 'a=b', '007', '1j', '{1, 2}', "'open", 'inf', '[1,'])(
    '%s is not a literal and stays a string',
    (text) => {
      expect(literalEval(text)).toBeUndefined();
      expect(typeIniValue(text)).toBe(text);
    },
  );
});

describe('shlex splitting of INI host lines', () => {
  it('groups quoted text, honours escapes and stops at a comment', () => {
    expect(shlexSplit(`web1 a="x y" b='q "z"' c=d\\ e # note`).map((w) => w.text)).toEqual([
      'web1',
      'a=x y',
      'b=q "z"',
      'c=d e',
    ]);
    expect(shlexSplit('  h  k=v').map((w) => w.offset)).toEqual([2, 5]);
  });

  it('reports an unclosed quote', () => {
    expect(() => shlexSplit('web1 a="x')).toThrow('no closing quotation');
  });
});
