/**
 * Text mutators for the loader fuzz test: fast-check arbitraries that take a real fixture and break it
 * the way people (and editors) break YAML/INI files — lost or doubled lines, stray bytes, tabs, colons,
 * brackets, odd indentation, host ranges, huge numbers, deep nesting and alias bombs.
 */
import fc from 'fast-check';

/** One edit applied to the lines of a file. */
export type Mutation = (lines: string[]) => string[];

/** Characters that matter to YAML and INI parsers, plus unicode and control bytes. */
const NASTY = [
  ':',
  ': ',
  '-',
  '- ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '#',
  '&a',
  '*a',
  '!',
  '!!str',
  '|',
  '>',
  '"',
  "'",
  '%',
  '@',
  '`',
  '=',
  '\t',
  '  ',
  '\u0000',
  '\u0007',
  '\uFEFF',
  '\u2028',
  '\uD800',
  'é',
  '漢字',
  '🔥',
  '\r',
  '\\',
  '{{',
  '}}',
  '{{ x }}',
  '---',
  '...',
  '?',
  '<<: *a',
];

/** Replacement lines that stress value handling and resource bounds. */
const SPECIAL_LINES = [
  'web[01:99999999999].example.com',
  'web[a:Z]',
  'web[10:1]',
  'web[1:3:0]',
  'web[1:',
  '[web:children]',
  '[web:vars]',
  '[]',
  '[:vars]',
  'x ansible_port=99999999999999999999999999',
  'ansible_port: 1e400',
  'ansible_port: -0x1F',
  'port: 99999999999999999999999999999999999999',
  'a: &a [x, x, x, x, x, x, x, x, x, x]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
  'e: *undefined_anchor',
  '<<: [*a, *b]',
  'hosts: !!binary aGVsbG8=',
  'key: !custom tag',
  '? complex key',
  'all:',
  'children:',
  'hosts:',
  'vars:',
  '- hosts: all',
  '- name: x',
  '  tasks:',
  '    - debug: msg={{ unclosed',
  "    - command: echo {{ 'a' | nosuchfilter }}",
  '    when: ((((',
  '    loop: "{{ [1,2,3] }}"',
  '  roles: [no_such_role]',
  '  vars_files: [/nonexistent/file.yml]',
  '  import_tasks: /dev/null',
];

const line = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(...SPECIAL_LINES),
  fc.array(fc.constantFrom(...NASTY), { maxLength: 8 }).map((a) => a.join('')),
);

const at = (lines: string[], i: number) => (lines.length ? i % lines.length : 0);

/** Every mutation kind, each as an arbitrary producing a line edit. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((i) => (l: string[]) => l.filter((_, j) => j !== at(l, i))),
  fc.nat().map((i) => (l: string[]) => {
    const k = at(l, i);
    return [...l.slice(0, k + 1), ...l.slice(k)];
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]) => (l: string[]) => {
    const out = [...l];
    const a = at(l, i);
    const b = at(l, j);
    [out[a], out[b]] = [out[b], out[a]];
    return out;
  }),
  fc.tuple(fc.nat(), line).map(([i, s]) => (l: string[]) => {
    const out = [...l];
    out.splice(at(l, i), 0, s);
    return out;
  }),
  fc.tuple(fc.nat(), line).map(
    ([i, s]) =>
      (l: string[]) =>
        l.map((x, j) => (j === at(l, i) ? s : x)),
  ),
  fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...NASTY)).map(([i, pos, s]) => (l: string[]) => {
    return l.map((x, j) =>
      j === at(l, i) ? x.slice(0, pos % (x.length + 1)) + s + x.slice(pos % (x.length + 1)) : x,
    );
  }),
  fc.tuple(fc.nat(), fc.integer({ min: -4, max: 6 }), fc.boolean()).map(([i, d, tab]) => (l: string[]) => {
    return l.map((x, j) => {
      if (j !== at(l, i)) return x;
      return d < 0 ? x.slice(-d) : (tab ? '\t' : ' ').repeat(d) + x;
    });
  }),
  fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([i, pos, n]) => (l: string[]) => {
    return l.map((x, j) => (j === at(l, i) ? x.slice(0, pos % (x.length + 1)) + x.slice((pos + n) % 8) : x));
  }),
  fc.integer({ min: 50, max: 3000 }).map((depth) => (l: string[]) => {
    // deep nesting, both block style and flow style: must be bounded, never a stack overflow
    const flow = `deep: ${'['.repeat(depth)}${']'.repeat(depth)}`;
    const block = Array.from({ length: Math.min(depth, 400) }, (_, k) => `${' '.repeat(k)}k${k}:`);
    return [...l, flow, ...block];
  }),
  fc.constant((l: string[]) => l.map((x) => x.replace(/\n/g, '\r\n'))),
  fc.constant(() => []),
);

/** A file built from `seed` with 1–5 random mutations; `binary` sometimes adds raw invalid UTF-8. */
export function mutated(seeds: string[]): fc.Arbitrary<{ text: string; mutations: number }> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 5 }))
    .map(([seed, ms]) => {
      let lines = seed.split('\n');
      // an earlier edit may have emptied the file: edits always see at least one line
      for (const m of ms) lines = m(lines.length ? lines : ['']).filter((x) => typeof x === 'string');
      return { text: lines.join('\n'), mutations: ms.length };
    });
}
