import { describe, expect, it } from 'vitest';
import { renderString, renderValue, templateSyntaxError } from './render.js';

const vars = { a: { b: 'x', n: 3 }, list: [1, 2], s: 'Hello', flag: true, nested: '{{ s }}!' };

describe('templates', () => {
  it('renders Jinja-spaced and dotted variables without HTML escaping', () => {
    expect(renderString('<{{ a.b }}> & {{a.n}}', vars)).toBe('<x> & 3');
  });
  it('keeps the type of a value that is exactly one expression', () => {
    expect(renderValue('{{ list }}', vars)).toEqual([1, 2]);
    expect(renderValue('{{ a.n }}', vars)).toBe(3);
    expect(renderValue('{{ a }}', vars)).toEqual({ b: 'x', n: 3 });
    expect(renderValue('{{ a.n }}\n', vars)).toBe('3\n');
  });
  it('renders variables whose values are templates', () => {
    expect(renderValue({ k: ['{{ nested }}'] }, vars)).toEqual({ k: ['Hello!'] });
  });
  it('supports common Jinja filters and the same names as helpers', () => {
    expect(renderValue("{{ missing | default('d') }}", vars)).toBe('d');
    expect(renderValue('{{ missing | default([]) }}', vars)).toEqual([]);
    expect(renderString("{{ s | lower }}-{{ list | join(',') }}-{{ list | length }}", vars)).toBe(
      'hello-1,2-2',
    );
    expect(renderString('{{default missing "y"}} {{upper s}}', vars)).toBe('y HELLO');
  });
  it('understands Jinja subscripts with literal keys', () => {
    const g = { groups: { web: ['w1', 'w2'] }, m: { 'a-b': 1 } };
    expect(renderValue("{{ groups['web'][1] }}", g)).toBe('w2');
    expect(renderString('x={{ groups["web"][0] }} {{ m[\'a-b\'] }}', g)).toBe('x=w1 1');
    expect(renderValue("{{ groups['web'] | length }}", g)).toBe(2);
    expect(() => renderValue("{{ groups['db'][0] }}", g)).toThrow('undefined variable "groups.[db].[0]"');
  });
  it('names the undefined variable', () => {
    expect(() => renderString('x {{ a.nope.c }}', vars)).toThrow('undefined variable "a.nope.c"');
    expect(() => renderValue('{{ ghost }}', vars)).toThrow('undefined variable "ghost"');
    expect(() => renderValue('{{ ghost | upper }}', vars)).toThrow('undefined variable "ghost"');
  });
  it('reports syntax errors and unknown filters without rendering', () => {
    expect(templateSyntaxError('{{ x ')).toMatch(/^template syntax error in "\{\{ x ": Expecting/);
    expect(templateSyntaxError('{{ x | nope }}')).toMatch(/^unknown filter "nope"/);
    expect(templateSyntaxError('{{#each list as |i|}}{{i}}{{/each}}')).toBeUndefined();
  });
});
