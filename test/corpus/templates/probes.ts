/**
 * certfleet's own one-construct probes (written for this corpus): each Jinja/Ansible construct a
 * playbook or template uses, the Python-semantics traps, and error cases. Rendered with
 * probe-vars.yml. `v:` = a playbook value (Templar.template), `f:` = a template file (the template
 * module), `w:` = a `when:` condition.
 */

/** One probe: kind and text. */
export interface Probe {
  kind: 'value' | 'file' | 'expr';
  source: string;
}

const V = (source: string): Probe => ({ kind: 'value', source });
const F = (source: string): Probe => ({ kind: 'file', source });
const W = (source: string): Probe => ({ kind: 'expr', source });

/** The probes, grouped by construct. */
export const PROBES: Probe[] = [
  // output and Python rendering of values
  F('{{ n }} {{ f }} {{ whole }} {{ big }} {{ neg }}'),
  F('{{ flag }} {{ off }} {{ none_v }}|{{ None }}|{{ true }}'),
  F('{{ l }} {{ d }} {{ words[:2] }}'),
  F('{{ cfg }}'),
  F('{{ (1, 2) }} {{ (1,) }} {{ () }}'),
  F('{{ 1, 2 }}'),
  F('{{ \'it\\\'s\' }} {{ "q\\"d" }} {{ quote_s }}'),
  F('{{ [quote_s, tab_s, unicode_s] }}'),
  F('{{ int_keys }} {{ {1: "a", "b": none} }}'),
  F('{{ 1e20 }} {{ 1.5e-7 }} {{ 0.1 + 0.2 }} {{ 1e16 }} {{ 123456789.0 }}'),
  F('{{ 2 ** 64 }} {{ big + 1 }}'),
  F('{{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }}'),
  // arithmetic, Python style
  F('{{ 7 / 2 }} {{ 6 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 % -3 }}'),
  F('{{ f * 2 }} {{ f // 1 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 2 ** 3 ** 2 }}'),
  F('{{ n + f }} {{ n - m * 3 }} {{ -n }} {{ +n }} {{ - f }}'),
  F("{{ 'ab' * 3 }} {{ 3 * 'x' }} {{ [1] * 3 }} {{ l + [9] }}"),
  F("{{ 'a' ~ 1 ~ none ~ true ~ [1] }}"),
  F("{{ '%s-%03d' % ('x', 5) }} {{ '%.2f' % f }} {{ '%5s|%-5s|' % ('a', 'b') }}"),
  F("{{ '%x %o %e' % (255, 8, 12345.678) }} {{ '%(a)s' % {'a': 1} }}"),
  F('{{ 1 / 0 }}'),
  F("{{ 1 + 'a' }}"),
  F("{{ 'a' + 1 }}"),
  F('{{ [1] + (2,) }}'),
  F('{{ 5 // 0 }}'),
  F("{{ n < 'a' }}"),
  // comparisons, logic, in
  F(
    '{{ 1 == 1.0 }} {{ true == 1 }} {{ [1, 2] == [1, 2] }} {{ (1, 2) == [1, 2] }} {{ {"a": 1} == {"a": 1} }}',
  ),
  F('{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ "a" < "b" }} {{ [1, 2] < [1, 3] }}'),
  F("{{ 'a' in 'abc' }} {{ 'x' not in l }} {{ 2 in l }} {{ 'a' in d }} {{ 1 in d }}"),
  F("{{ 1 in 'abc' }}"),
  F('{{ none_v or "dflt" }} {{ empty_l or "e" }} {{ n and m }} {{ zero and 1 }} {{ not empty_s }}'),
  F("{{ 'y' if flag else 'n' }} {{ 'y' if off else 'n' }} {{ 'a' if empty_d else 'b' if empty_l else 'c' }}"),
  F("{{ 'y' if off }}"),
  // subscripts and attributes
  F("{{ cfg.tls.cert }} {{ cfg['tls']['enabled'] }} {{ cfg.tags[1] }} {{ l[-1] }} {{ s[0] }} {{ s[-5:] }}"),
  F('{{ l[::-1] }} {{ l[1:] }} {{ s[::2] }} {{ words[1:3] }} {{ l[5:9] }}'),
  F("{{ hostvars['web1']['ansible_host'] }} {{ hostvars[inventory_hostname_short].role }}"),
  F('{{ d.items }}'),
  F('{{ cfg.missing }}'),
  F('{{ cfg.tls.missing }}'),
  F('{{ l[10] }}'),
  F('{{ undefined_var }}'),
  F('{{ undefined_var.attr.deeper }}'),
  F('{{ none_v.attr }}'),
  F("{{ d['items'] }}"),
  F("{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 0) }} {{ d['b'] }}"),
  // methods
  F(
    "{{ s.split() }} {{ csv.split(',') }} {{ csv.split(',', 1) }} {{ s.rsplit(' ', 1) }} {{ '  a  b '.split() }}",
  ),
  F(
    "{{ s.lower() }} {{ s.upper() }} {{ lower_s.capitalize() }} {{ 'hello world'.title() }} {{ s.swapcase() }}",
  ),
  F("{{ spaced.strip() }}|{{ spaced.lstrip() }}|{{ spaced.rstrip() }}|{{ 'xxaxx'.strip('x') }}"),
  F("{{ s.startswith('Hell') }} {{ s.endswith(('x', 'ld')) }} {{ path.startswith('/etc') }}"),
  F("{{ s.replace('l', 'L') }} {{ s.replace('l', 'L', 1) }} {{ s.find('o') }} {{ s.count('l') }}"),
  F("{{ '-'.join(words) }} {{ ', '.join(cfg.tags) }}"),
  F(
    "{{ '{}-{}'.format('a', 1) }} {{ '{0}{0}'.format('x') }} {{ '{name}:{port}'.format(name='h', port=80) }} {{ '{:>5}|{:<4}|{:^5}|{:05d}|{:.2f}'.format('a', 'b', 'c', 42, 3.14159) }}",
  ),
  F('{{ d.keys() | list }} {{ d.values() | list }} {{ d.items() | list }}'),
  F('{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}'),
  F(
    "{{ 'abc'.isdigit() }} {{ '123'.isdigit() }} {{ 'ab'.isalpha() }} {{ '5'.zfill(3) }} {{ 'a=b=c'.partition('=') }}",
  ),
  F('{% set acc = [] %}{% for u in users %}{% set _ = acc.append(u.name) %}{% endfor %}{{ acc }}'),
  F("{% set x = {'a': 1} %}{% set _ = x.update({'b': 2}) %}{{ x }}"),
  F("{{ multiline.splitlines() }} {{ 'a\\nb'.split('\\n') }}"),
  // if / for / loop
  F('{% if n > 5 %}big{% elif n > 2 %}mid{% else %}small{% endif %}'),
  F('{% if empty_l %}x{% elif empty_d %}y{% else %}none{% endif %}'),
  F('{% if undefined_var %}x{% endif %}'),
  F(
    '{% for x in l %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }} {% endfor %}',
  ),
  F(
    "{% for x in l %}{{ loop.cycle('odd', 'even') }}{{ loop.previtem | default('-') }}{{ loop.nextitem | default('-') }} {% endfor %}",
  ),
  F('{% for x in empty_l %}x{% else %}empty{% endfor %}'),
  F('{% for x in l if x > 1 %}{{ x }}{% endfor %}'),
  F('{% for u in users if u.active %}{{ u.name }} {% else %}nobody{% endfor %}'),
  F('{% for x in l %}{% for y in [10, 20] %}{{ loop.index }}{{ x }}{{ y }} {% endfor %}{% endfor %}'),
  F('{% for c in "abc" %}{{ c }}.{% endfor %}'),
  F('{% for k in d %}{{ k }}{% endfor %}'),
  F('{% for x in none_v %}{{ x }}{% endfor %}'),
  F('{% for x in undefined_var %}{{ x }}{% endfor %}'),
  F('{% for a, b in [[1, 2], [3]] %}{{ a }}{% endfor %}'),
  F('{% for x in l %}{% set inner = x %}{% endfor %}{{ inner | default("scoped") }}'),
  F('{% set count = 0 %}{% for x in l %}{% set count = count + 1 %}{% endfor %}{{ count }}'),
  F(
    '{% set ns = namespace(count=0) %}{% for x in l %}{% set ns.count = ns.count + x %}{% endfor %}{{ ns.count }}',
  ),
  F(
    '{% for x in [[1, [2]], [3]] recursive %}[{% for y in x %}{{ y if y is number else loop(y) }}{% endfor %}]{% endfor %}',
  ),
  F('{% for x in l %}{{ loop.changed(x > 1) }}{% endfor %}'),
  // set, macros, call, filter blocks, with, raw, comments
  F('{% set a, b = 1, 2 %}{{ a }}{{ b }}'),
  F('{% set greeting %}Hi {{ s }}{% endset %}[{{ greeting }}]'),
  F('{% set up | upper %}shout {{ lower_s }}{% endset %}{{ up }}'),
  F(
    '{% macro tag(name, value="-") %}<{{ name }}={{ value }}>{% endmacro %}{{ tag("a") }}{{ tag("b", 2) }}{{ tag(value=3, name="c") }}',
  ),
  F('{% macro m() %}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, k=3) }}'),
  F('{% macro wrap() %}[{{ caller() }}]{% endmacro %}{% call wrap() %}inside {{ n }}{% endcall %}'),
  F('{% macro row(x) %}({{ caller(x * 2) }}){% endmacro %}{% call(v) row(4) %}v={{ v }}{% endcall %}'),
  F('{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}'),
  F('{% macro fact(k) %}{{ 1 if k <= 1 else k * (fact(k - 1) | int) }}{% endmacro %}{{ fact(5) }}'),
  F('{% filter upper %}quiet {{ s }}{% endfilter %}'),
  F('{% with x = 5, y = n %}{{ x + y }}{% endwith %}{{ x | default("gone") }}'),
  F('{% raw %}{{ not rendered }} {% if %}{% endraw %}'),
  F('a{# a comment {{ x }} #}b'),
  F('{{ "{{" }}literal{{ "}}" }}'),
  // whitespace control and Ansible's defaults
  F('line1\n{% if flag %}\nyes\n{% endif %}\nline2\n'),
  F('  {% if flag %}x{% endif %}  \nnext'),
  F('a  {%- if flag -%}  b  {%- endif -%}  c'),
  F('{{- "  " -}} x {{- "y" }}'),
  F('{% for x in l %}\n  - {{ x }}\n{% endfor %}\n'),
  F('{% for x in l -%}\n{{ x }}\n{%- endfor %}'),
  F('{%+ if flag %}a{% endif +%}\nb'),
  F('text\n\n\n'),
  F('no newline at end'),
  F('{# comment #}\nafter'),
  F('crlf\r\nline\r\n'),
  F('#jinja2: trim_blocks: False\n{% if flag %}\nA\n{% endif %}\n'),
  F('#jinja2: lstrip_blocks: True\n    {% if flag %}\nB\n    {% endif %}\n'),
  // tests
  F(
    '{{ n is defined }} {{ nope is defined }} {{ nope is undefined }} {{ cfg.nope is defined }} {{ none_v is none }}',
  ),
  F(
    '{{ flag is true }} {{ 1 is true }} {{ off is false }} {{ flag is boolean }} {{ s is string }} {{ n is number }} {{ f is float }} {{ n is integer }} {{ flag is integer }}',
  ),
  F('{{ d is mapping }} {{ l is sequence }} {{ s is sequence }} {{ n is iterable }} {{ l is iterable }}'),
  F(
    '{{ n is odd }} {{ m is even }} {{ 9 is divisibleby 3 }} {{ n is eq 7 }} {{ n is gt 3 }} {{ n is ge(7) }} {{ n is in(l) }} {{ 3 is in l }}',
  ),
  F(
    "{{ s is match('Hel') }} {{ s is match('World') }} {{ s is search('World') }} {{ s is regex('^h', ignorecase=true) }} {{ path is match('.*\\.conf$') }}",
  ),
  F(
    "{{ version_s is version('2.14', '>=') }} {{ version_s is version('2.9', '<') }} {{ '1.10' is version('1.9', 'gt') }} {{ '2.0' is version_compare('2.0', '==') }}",
  ),
  F("{{ '1.0rc1' is version('1.0', '<') }}"),
  F('{{ [1, 2] is subset([1, 2, 3]) }} {{ [1, 4] is superset([1]) }} {{ l is contains(2) }}'),
  F(
    "{{ 'yes' is truthy }} {{ '' is falsy }} {{ 'no' is truthy(convert_bool=True) }} {{ [true, 1] is all }} {{ [0, none] is any }}",
  ),
  F(
    '{{ result_ok is changed }} {{ result_ok is succeeded }} {{ result_bad is failed }} {{ result_skip is skipped }} {{ result_ok is success }}',
  ),
  F('{{ nope is string }} {{ nope is none }} {{ nope is mapping }}'),
  F('{{ flag is sameas true }} {{ none_v is sameas none }}'),
  F('{{ n is nosuchtest }}'),
  // default / d / omit / bool / ternary / mandatory
  F(
    "{{ nope | default('x') }} {{ none_v | default('x') }} {{ empty_s | default('x') }} {{ empty_s | default('x', true) }} {{ zero | d('z', true) }} {{ nope | d }}",
  ),
  F("{{ cfg.nope | default(cfg.port) }} {{ nope.deeper | default('deep') }}"),
  F('{{ nope | default(omit) }}'),
  F(
    '{{ yes_s | bool }} {{ y_s | bool }} {{ no_s | bool }} {{ true_s | bool }} {{ false_s | bool }} {{ one_s | bool }} {{ 1 | bool }} {{ 0 | bool }} {{ none_v | bool }} {{ "on" | bool }} {{ 2 | bool }}',
  ),
  F(
    "{{ flag | ternary('on', 'off') }} {{ off | ternary('on', 'off') }} {{ none_v | ternary('t', 'f', 'null') }} {{ empty_l | ternary(1, 2) }}",
  ),
  F('{{ n | mandatory }}'),
  F('{{ nope | mandatory }}'),
  F("{{ nope | mandatory('set nope please') }}"),
  // strings
  F(
    "{{ s | lower }} {{ s | upper }} {{ lower_s | capitalize }} {{ 'the end' | title }} {{ spaced | trim }}| {{ 'xaxx' | trim('x') }}",
  ),
  F(
    "{{ s | replace('o', '0') }} {{ s | replace('l', '', 2) }} {{ s | center(15) }}| {{ s | wordcount }} {{ s | length }} {{ unicode_s | length }}",
  ),
  F("{{ multiline | indent(2) }}|{{ multiline | indent(4, true) }}|{{ 'a\\n\\nb' | indent(2, blank=true) }}"),
  F(
    "{{ 'a very long sentence indeed' | truncate(12) }} {{ 'short' | truncate(10) }} {{ 'abcdefghijklmnopqrstuvwxyz' | truncate(10, true) }}",
  ),
  F("{{ '%s=%d' | format('a', 3) }} {{ '%-4s|' | format('x') }}"),
  F('{{ n | string }} {{ l | string }} {{ none_v | string }} {{ flag | string }}'),
  F("{{ 'a b' | quote }} {{ quote_s | quote }} {{ 'plain' | quote }} {{ '' | quote }}"),
  F("{{ 'host.example.com' | split('.') }} {{ csv | split(',') }}"),
  F("{{ s | b64encode }} {{ 'SGVsbG8gV29ybGQ=' | b64decode }} {{ unicode_s | b64encode }}"),
  F("{{ s | hash('sha256') }} {{ s | hash('md5') }} {{ s | checksum }} {{ s | sha1 }} {{ s | md5 }}"),
  F('{{ s | to_uuid }}'),
  F(
    "{{ ansible_managed | comment }}|{{ 'a\\nb' | comment('c') }}|{{ 'x' | comment('cblock') }}|{{ 'x' | comment('xml') }}",
  ),
  F("{{ 'a b&c' | urlencode }}"),
  // regex
  F(
    "{{ s | regex_replace('o', '0') }} {{ s | regex_replace('(\\\\w+) (\\\\w+)', '\\\\2 \\\\1') }} {{ 'aaa' | regex_replace('^a', 'b') }} {{ s | regex_replace('(?P<first>H)', '\\\\g<first>h') }}",
  ),
  F(
    "{{ 'x\\ny' | regex_replace('^', '> ', multiline=true) }} {{ 'ABC' | regex_replace('b', '-', ignorecase=true) }}",
  ),
  F(
    "{{ s | regex_search('W\\\\w+') }} {{ s | regex_search('zz') }} {{ s | regex_search('(\\\\w+) (\\\\w+)', '\\\\2', '\\\\1') }}",
  ),
  F(
    "{{ 'a1b22c333' | regex_findall('\\\\d+') }} {{ 'k=v, a=b' | regex_findall('(\\\\w)=(\\\\w)') }} {{ 'ab' | regex_findall('(a)b') }}",
  ),
  F("{{ 'a.b*c' | regex_escape }} {{ '1.2.3' | regex_escape('posix_basic') }}"),
  F("{{ 'line\\n' | regex_search('line$') }} {{ 'ab' | regex_replace('x*', '-') }}"),
  V("{{ 'a.b' | regex_replace('\\.', '-') }}"),
  V("{{ 'a\\nb' }}"),
  // collections
  F(
    '{{ l | first }} {{ l | last }} {{ l | min }} {{ l | max }} {{ l | sum }} {{ l | length }} {{ d | length }} {{ s | first }}',
  ),
  F('{{ empty_l | first }}'),
  F(
    '{{ words | sort }} {{ words | sort(case_sensitive=true) }} {{ words | sort(reverse=true) }} {{ users | sort(attribute="uid", reverse=true) | map(attribute="name") | list }}',
  ),
  F('{{ words | min }} {{ words | max }} {{ users | max(attribute="uid") }}'),
  F(
    '{{ l | reverse | list }} {{ s | reverse }} {{ dupes | unique }} {{ dupes | unique(case_sensitive=true) }} {{ [{"a": 1}, {"a": 1}] | unique }}',
  ),
  F(
    '{{ [1, 2, 3] | union([3, 4]) }} {{ [1, 2, 3] | intersect([2, 3, 5]) }} {{ [1, 2, 3] | difference([2]) }} {{ [1, 2, 3] | symmetric_difference([3, 4]) }}',
  ),
  F(
    '{{ nested | flatten }} {{ nested | flatten(levels=1) }} {{ [1, none, "None", 2] | flatten }} {{ [[1], none] | flatten(skip_nulls=false) }}',
  ),
  F(
    "{{ users | map(attribute='name') | list }} {{ words | map('upper') | list }} {{ l | map('string') | join('-') }} {{ users | map(attribute='shell', default='/bin/sh') | list }}",
  ),
  F(
    "{{ users | selectattr('active') | map(attribute='name') | list }} {{ users | rejectattr('active') | map(attribute='name') | list }} {{ users | selectattr('uid', '>', 1001) | map(attribute='name') | join(',') }}",
  ),
  F(
    "{{ users | selectattr('shell', 'defined') | list | length }} {{ users | selectattr('name', 'equalto', 'bob') | first }} {{ users | selectattr('name', 'in', ['alice', 'carol']) | map(attribute='uid') | list }}",
  ),
  F(
    "{{ l | select('odd') | list }} {{ l | reject('odd') | list }} {{ [0, 1, '', 'a', none] | select | list }} {{ words | select('match', '^[ab]') | list }}",
  ),
  F(
    "{{ d | dict2items }} {{ kv | items2dict }} {{ d | dict2items(key_name='k', value_name='v') }} {{ kv | items2dict(key_name='key', value_name='value') }}",
  ),
  F('{{ cfg | combine(override) }}'),
  F('{{ cfg | combine(override, recursive=true) }}'),
  F(
    "{{ cfg | combine(override, recursive=true, list_merge='append') }} {{ [cfg, override] | combine }} {{ {} | combine }}",
  ),
  F("{{ d | dictsort }} {{ d | dictsort(by='value', reverse=true) }}"),
  F(
    '{{ l | batch(2) | list }} {{ [1, 2, 3, 4, 5] | slice(2) | list }} {{ [1, 2, 3] | batch(2, "x") | list }}',
  ),
  F(
    "{% for g in users | groupby('active') %}{{ g.grouper }}:{{ g.list | map(attribute='name') | join(',') }};{% endfor %}",
  ),
  F(
    "{{ l | zip(['a', 'b', 'c']) | list }} {{ [1, 2] | zip_longest(['a']) | list }} {{ [1, 2] | product(['x', 'y']) | list }}",
  ),
  F('{{ [1, 2, 3] | permutations(2) | list | length }} {{ [1, 2, 3] | combinations(2) | list }}'),
  F(
    "{{ users | subelements('groups') | map('last') | list }} {{ [0, 2] | map('extract', l) | list }} {{ 'a' | extract(d) }}",
  ),
  F(
    '{{ n | int }} {{ "42" | int }} {{ "4.7" | int }} {{ "x" | int }} {{ "x" | int(5) }} {{ "0x1A" | int(base=16) }} {{ f | int }} {{ " 12 " | int }}',
  ),
  F('{{ "2.50" | float }} {{ n | float }} {{ "x" | float }} {{ "1e3" | float }} {{ 3 | float * 2 }}'),
  F(
    '{{ f | round }} {{ 3.14159 | round(2) }} {{ 2.5 | round }} {{ 3.5 | round }} {{ 2.7 | round(0, "floor") }} {{ 2.1 | round(method="ceil") }} {{ -3 | abs }} {{ neg | abs }}',
  ),
  F('{{ 100 | log(10) }} {{ 2 | pow(3) }} {{ 16 | root }} {{ 27 | root(3) }}'),
  F("{{ s | list }} {{ d | list }} {{ 'abc' | list | join('.') }}"),
  F(
    '{{ users | map(attribute="name") | join(", ") }} {{ l | join }} {{ users | join(",", attribute="uid") }}',
  ),
  F("{{ users | sum(attribute='uid') }} {{ [[1], [2]] | sum(start=[]) }}"),
  F('{{ d | items | list }}'),
  // serialisation
  F(
    '{{ cfg | to_json }} {{ unicode_s | to_json }} {{ [1.0, none, true] | to_json }} {{ cfg | to_json(sort_keys=true) }}',
  ),
  F('{{ cfg | to_nice_json }}'),
  F('{{ cfg | to_nice_json(indent=2) }}'),
  F('{{ cfg | to_yaml }}'),
  F('{{ cfg | to_nice_yaml }}'),
  F('{{ users | to_nice_yaml(indent=2) }}'),
  F(
    "{{ {'s': 'yes', 'n': '123', 'e': '', 'c': 'a: b', 'h': '#x', 't': tab_s, 'm': multiline, 'u': unicode_s, 'q': quote_s, 'f': 1.0, 'z': none} | to_yaml }}",
  ),
  F("{{ {'long': 'word ' * 30} | to_yaml }}"),
  F('{{ [[1, 2], [3]] | to_nice_yaml }} {{ [] | to_yaml }} {{ "plain" | to_yaml }}'),
  F('{{ json_s | from_json }} {{ (json_s | from_json).b[0] }} {{ yaml_s | from_yaml }}'),
  F('{{ d | tojson }}'),
  // paths and urls
  F(
    "{{ path | basename }} {{ path | dirname }} {{ path | splitext }} {{ '/' | dirname }} {{ 'file' | dirname }}| {{ ['/etc', 'nginx', 'x.conf'] | path_join }} {{ ['/a', '/b'] | path_join }}",
  ),
  F(
    "{{ url | urlsplit('hostname') }} {{ url | urlsplit('port') }} {{ url | urlsplit('path') }} {{ url | urlsplit('query') }} {{ url | urlsplit('scheme') }} {{ url | urlsplit('username') }}",
  ),
  F('{{ url | urlsplit }}'),
  F("{{ 'C:\\\\dir\\\\f.txt' | win_basename }}"),
  // globals
  F('{{ range(3) | list }} {{ range(1, 10, 3) | list }} {{ range(5, 0, -2) | list }}'),
  F("{{ dict(a=1, b=2) }} {{ dict([['x', 1]]) }}"),
  F('{{ range(100000) | length }}'),
  F("{{ now().year > 2000 }} {{ now(fmt='%Y') | length }}"),
  F("{% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}"),
  // the unsafe rule: values are data, never templates
  F('{{ braces }}'),
  V('{{ braces }}'),
  V('pre {{ braces }} post'),
  F('{{ braces | upper }} {{ [braces] }}'),
  // Ansible's value typing (Templar.template)
  V('{{ n }}'),
  V('{{ n + 1 }}'),
  V('{{ l }}'),
  V('{{ d }}'),
  V('{{ flag }}'),
  V('{{ none_v }}'),
  V('{{ f }}'),
  V('{{ s }}'),
  V('{{ n }} '),
  V('[{{ n }}, 2]'),
  V('{{ looks_list }}'),
  V('{{ templated }}'),
  V('{{ templated | int + 1 }}'),
  V('{{ 1 == 1 }}'),
  V('{{ cfg | to_json }}'),
  V('{{ "True" }}'),
  V('{{ l | map("string") | list }}'),
  V('{{ d.keys() }}'),
  V('{{ range(3) }}'),
  V('plain text'),
  V('{{ multiline }}'),
  V('trailing\n\n'),
  V('{{ l | length }}'),
  V('{% if flag %}{{ l }}{% endif %}'),
  V('{{ cfg.tls }}'),
  V('{{ 2.0 }}'),
  V('{{ whole }}'),
  V('{{ int_keys }}'),
  V('{{ (1, 2) }}'),
  // syntax errors and unknown names (compile-time)
  F('{{ n | nosuchfilter }}'),
  F('{% if n %}unclosed'),
  F('{% for x in l %}{% endif %}'),
  F('{{ n + }}'),
  F('{% do l.append(1) %}'),
  F('{% break %}'),
  F('{{ "unterminated }}'),
  F('{% endfor %}'),
  F('{% set %}'),
  F('{{ ansible.builtin.to_json }}'),
  F('{{ l | ansible.builtin.join(",") }} {{ d | ansible.builtin.to_json }}'),
  // conditions (when:)
  W('n == 7'),
  W('n > 10'),
  W("'y' | bool"),
  W('yes_s | bool'),
  W('flag'),
  W('off'),
  W('false_s'),
  W('empty_l'),
  W('l'),
  W('none_v'),
  W('nope is defined'),
  W('nope is not defined'),
  W('nope is undefined and n > 1'),
  W('nope'),
  W("ansible_distribution == 'Debian' and ansible_distribution_major_version | int >= 11"),
  W("ansible_os_family in ['Debian', 'RedHat']"),
  W("inventory_hostname in groups['web']"),
  W('result_ok is changed'),
  W('result_bad.rc != 0'),
  W("result_ok.stdout is search('ok')"),
  W("'wheel' in users[0].groups"),
  W('users | selectattr("active") | list | length > 1'),
  W('cfg.tls.enabled and cfg.port == 8080'),
  W('not flag or n < 3'),
  W('n if flag else m'),
  W('x ==='),
  W('zero'),
  W('s'),
  W("version_s is version('2.12', '>=')"),
  W('cfg.nope.deeper is defined'),
  W('hostvars[inventory_hostname_short] is defined'),
];
