#!/usr/bin/python3
"""Ansible 2.14's own rendering of the template corpus: the oracle certfleet's engine is compared with.

Reads a JSON request on stdin:
  {"varsets": {name: {"files": [yaml paths], "vars": {...}}},
   "cases": [{"id", "kind": "value"|"file"|"expr", "source"? , "path"?, "varset", "vars"?}]}
and prints {"varsets": {name: encoded vars}, "results": {id: {"ok": true, "value": v} | {"ok": false, ...}}}.

- "value": Templar.template(source), as Ansible renders a task argument.
- "file": what the template module writes (AnsibleEnvironment, trim_blocks, no lstrip, the template's
  own directory as search path, do_template with preserve_trailing_newlines and no backslash escaping).
- "expr": a `when:` condition through Conditional.evaluate_conditional.
Values are encoded with type tags so floats, tuples and dict key order survive JSON.
Run with Debian's /usr/bin/python3 (the one ansible-core 2.14 is installed for).
"""
import json
import os
import sys
import warnings

warnings.filterwarnings('ignore')
os.environ.setdefault('ANSIBLE_NOCOLOR', '1')
os.environ.setdefault('ANSIBLE_DEPRECATION_WARNINGS', 'False')

from ansible.parsing.dataloader import DataLoader  # noqa: E402
from ansible.playbook.conditional import Conditional  # noqa: E402
from ansible.template import AnsibleEnvironment, Templar  # noqa: E402
from ansible.utils.display import Display  # noqa: E402

Display().verbosity = 0


def enc(v, depth=0):
    if depth > 60:
        return {'$repr': '...'}
    if v is None or isinstance(v, (bool, str)):
        return str(v) if isinstance(v, str) else v
    if isinstance(v, int):
        return v if abs(v) < 2 ** 53 else {'$int': str(v)}
    if isinstance(v, float):
        return {'$float': repr(v)}
    if isinstance(v, tuple):
        return {'$tuple': [enc(x, depth + 1) for x in v]}
    if isinstance(v, list):
        return [enc(x, depth + 1) for x in v]
    if isinstance(v, dict):
        return {'$dict': [[enc(k, depth + 1), enc(x, depth + 1)] for k, x in v.items()]}
    return {'$repr': repr(v), '$type': type(v).__name__}


def main():
    req = json.load(sys.stdin)
    loader = DataLoader()
    varsets = {}
    for name, spec in req['varsets'].items():
        merged = {}
        for f in spec.get('files', []):
            data = loader.load_from_file(f)
            if isinstance(data, dict):
                merged.update(data)
        merged.update(spec.get('vars', {}))
        varsets[name] = merged
    out = {'varsets': {k: enc(v) for k, v in varsets.items()}, 'results': {}}
    templar = Templar(loader=loader, variables={})  # one environment for every case (as a play run has)
    for case in req['cases']:
        variables = dict(varsets.get(case.get('varset'), {}))
        variables.update(case.get('vars', {}))
        try:
            templar.available_variables = variables
            kind = case['kind']
            if kind == 'value':
                value = templar.template(case['source'])
            elif kind == 'file':
                path = case.get('path') or '/nonexistent/inline.j2'
                if 'source' in case:
                    data = case['source']
                else:
                    with open(path, encoding='utf-8') as fh:
                        data = fh.read()
                t = templar.copy_with_new_env(environment_class=AnsibleEnvironment,
                                              searchpath=[os.path.dirname(path)],
                                              newline_sequence='\n', trim_blocks=True,
                                              lstrip_blocks=False, available_variables=variables)
                value = t.do_template(data, preserve_trailing_newlines=True, escape_backslashes=False)
            else:
                cond = Conditional(loader=loader)
                cond.when = [case['source']]
                value = cond.evaluate_conditional(templar, variables)
            out['results'][case['id']] = {'ok': True, 'value': enc(value)}
        except Exception as e:  # every failure is a result to compare, not a crash
            out['results'][case['id']] = {'ok': False, 'error': type(e).__name__, 'message': str(e)[:500]}
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
