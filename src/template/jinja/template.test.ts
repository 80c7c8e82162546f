import { describe, expect, it } from 'vitest';
import {
  JinjaRuntimeError,
  JinjaSyntaxError,
  PyFloat,
  Resolver,
  compileExpression,
  compileTemplate,
  createEnvironment,
  pyRepr,
  truthy,
} from './index.js';

const file = (src: string, vars: Record<string, unknown> = {}): string =>
  compileTemplate(src, undefined, { mode: 'file' }).render(vars);
const value = (src: string, vars: Record<string, unknown> = {}): unknown =>
  compileTemplate(src).evaluate(vars);

describe('rendering with Python semantics', () => {
  it('prints Python values', () => {
    expect(
      file('{{ [1, "a", none, true] }} {{ {"k": 1.5} }} {{ 6 / 2 }} {{ x }}', { x: new PyFloat(3) }),
    ).toBe("[1, 'a', None, True] {'k': 1.5} 3.0 3.0");
    expect(file('{{ 2 ** 70 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ "ab" * 2 }}')).toBe(
      '1180591620717411303424 -4 2 abab',
    );
  });

  it("keeps a single expression's type in evaluate(), as Templar.template does", () => {
    expect(value('{{ l }}', { l: ['a'] })).toEqual(['a']);
    expect(value('{{ n }}', { n: 8080 })).toBe(8080);
    expect(value('{{ n + 1 }}', { n: 8080 })).toBe('8081');
    expect(value('{{ n }} ', { n: 1 })).toBe('1 ');
    expect(value('{{ 1 == 1 }}')).toBe(true);
    expect(value('no template')).toBe('no template');
  });

  it('evaluates conditions with Python truthiness', () => {
    const e = (s: string, v: Record<string, unknown> = {}): boolean =>
      truthy(compileExpression(s).evaluate(v));
    expect(e("'y' | bool")).toBe(false);
    expect(e("'yes' | bool")).toBe(true);
    expect(e('[]')).toBe(false);
    expect(e('x is defined')).toBe(false);
    expect(() => compileExpression('a if b else c')).toThrow(JinjaSyntaxError);
  });
});

describe('security: one pass, data stays data', () => {
  it('never renders a template found in a value', () => {
    const vars = { x: '{{ secret }}', secret: 'S3CRET' };
    expect(file('{{ x }}', vars)).toBe('{{ secret }}');
    expect(value('{{ x }}', vars)).toBe('{{ secret }}');
    expect(value('a {{ x | upper }}', vars)).toBe('a {{ SECRET }}');
  });

  it('does not reach JS internals through attributes or items', () => {
    const vars = { d: { a: 1 }, s: 'x', l: [1] };
    for (const src of [
      '{{ d.__proto__ }}',
      '{{ d.constructor }}',
      "{{ s['constructor'] }}",
      '{{ l.map }}',
      "{{ ''.constructor.constructor('return 1')() }}",
      '{{ d.toString }}',
    ])
      expect(() => file(src, vars), src).toThrow(JinjaRuntimeError);
  });

  it('does not call JS functions found in the variables', () => {
    expect(() => file('{{ f() }}', { f: () => 'ran' })).toThrow(/not callable/);
  });

  it('bounds repetition, range and recursion', () => {
    expect(() => file("{{ 'x' * 100000000 }}")).toThrow(/limit/);
    expect(() => file('{{ range(10000000) | list }}')).toThrow(/limit/);
    expect(() => file('{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}')).toThrow(/recursion/);
    expect(() => file('{{ 2 ** 100000 }}')).toThrow(/too large/);
  });

  it('mutates only what the template built', () => {
    expect(file('{% set l = [] %}{% set _ = l.append(1) %}{{ l }}')).toBe('[1]');
    const vars = { l: [1] };
    expect(() => file('{{ l.append(2) }}', vars)).toThrow(/in place/);
    expect(vars.l).toEqual([1]);
  });
});

describe('errors', () => {
  it('reports syntax errors and unknown filters at compile time with the file position', () => {
    try {
      compileTemplate('a: {{ x | to_jsn }}', { file: 'site.yml', line: 12, col: 9 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(JinjaSyntaxError);
      expect((e as JinjaSyntaxError).format()).toBe(
        "site.yml:12:19: No filter named 'to_jsn' (did you mean 'to_json'?)",
      );
    }
    expect(() => compileTemplate('line1\n{% if %}')).toThrow(/template line 2 col/);
  });

  it("names the undefined variable and the expression, as Ansible's messages do", () => {
    expect(() => file('{{ nope }}')).toThrow("'nope' is undefined");
    expect(() => file('{{ d.x }}', { d: {} })).toThrow("'dict object' has no attribute 'x'");
    expect(() => file('{{ l[3] }}', { l: [] })).toThrow('list object has no element 3');
    expect(() => compileTemplate('x\n{{ nope }}', { file: 't.j2' }, { mode: 'file' }).render({})).toThrow(
      't.j2:2:1: \'nope\' is undefined (in "{{ nope }}")',
    );
  });
});

describe('the caller supplies variables lazily', () => {
  it('asks a Resolver once per name and render', () => {
    const asked: string[] = [];
    const r = new Resolver((n) => (asked.push(n), n === 'a' ? 41 : undefined));
    expect(file('{{ a + 1 }}{{ a }}', r as never)).toBe('4241');
    expect(asked).toEqual(['a']);
  });

  it('uses the hooks for lookups', () => {
    const env = createEnvironment({ hooks: { lookup: (p, terms) => terms.map((t) => `${p}:${String(t)}`) } });
    expect(
      compileTemplate("{{ lookup('env', 'HOME') }} {{ query('env', 'A', 'B') }}", undefined, { env }).render(
        {},
      ),
    ).toBe("env:HOME ['env:A', 'env:B']");
  });

  it('reports what a template uses', () => {
    const t = compileTemplate('{% for u in users %}{{ u.name | upper }}{% endfor %}{{ x is defined }}');
    expect(t.usedNames()).toEqual({ filters: ['upper'], tests: ['defined'], variables: ['users', 'x'] });
  });

  it('renders Python reprs of nested values', () => {
    expect(pyRepr(new Map<unknown, unknown>([[1, "it's"]]))).toBe('{1: "it\'s"}');
  });
});
