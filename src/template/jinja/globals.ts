/**
 * The globals of Ansible's environment: range, dict, namespace, cycler/joiner (Jinja), lookup,
 * query/q, now, undef (Ansible). Lookups go through the caller's hook: the engine itself reads no
 * file, environment variable or command.
 */
import { PyCallable, bindArgs } from './callable.js';
import { strftime } from './datetime.js';
import type { Environment } from './environment.js';
import { JinjaRuntimeError } from './errors.js';
import { LIMITS } from './limits.js';
import { namespaceGlobal } from './loop.js';
import { pyStr } from './pystr.js';
import {
  JinjaUndefined,
  PyDateTime,
  dictEntries,
  isInt,
  isMapping,
  newDict,
  toNum,
  typeName,
} from './values.js';

function range(args: unknown[]): number[] {
  for (const a of args)
    if (!isInt(a) && typeof a !== 'boolean')
      throw new JinjaRuntimeError(`'${typeName(a)}' object cannot be interpreted as an integer`);
  const n = args.map(toNum);
  const [start, stop, step] = n.length === 1 ? [0, n[0], 1] : [n[0], n[1], n[2] ?? 1];
  if (n.length === 0 || n.length > 3)
    throw new JinjaRuntimeError(`range expected at most 3 arguments, got ${n.length}`);
  if (step === 0) throw new JinjaRuntimeError('range() arg 3 must not be zero');
  const len = Math.max(0, Math.ceil((stop - start) / step));
  if (len > LIMITS.maxRange)
    throw new JinjaRuntimeError(`range too big (${len} items; certfleet's limit is ${LIMITS.maxRange})`);
  const out: number[] = [];
  for (let i = 0; i < len; i++) out.push(start + i * step);
  return out;
}

class Cycler {
  readonly pyType = 'Cycler';
  private pos = 0;
  constructor(private readonly items: unknown[]) {}
  pyGetAttr(name: string): unknown {
    if (name === 'next') return new PyCallable('next', () => this.items[this.pos++ % this.items.length]);
    if (name === 'reset') return new PyCallable('reset', () => ((this.pos = 0), null));
    if (name === 'current') return this.items[this.pos % this.items.length];
    return new JinjaUndefined(`'Cycler object' has no attribute '${name}'`);
  }
}

/** Templar._lookup's result shaping: a comma-joined string unless wantlist. */
function shapeLookup(ran: unknown[], wantlist: boolean): unknown {
  if (wantlist || !ran.length) return ran;
  if (ran.every((x) => typeof x === 'string')) return ran.join(',');
  return ran.length === 1 ? ran[0] : ran;
}

/** The globals for an environment. */
export function makeGlobals(env: Environment): [string, unknown][] {
  const lookup = (wantlist: boolean) =>
    new PyCallable(wantlist ? 'query' : 'lookup', (args, kw) => {
      if (!args.length) throw new JinjaRuntimeError('lookup() missing the plugin name');
      const [name, ...terms] = args;
      const opts = Object.assign(Object.create(null), kw) as Record<string, unknown>;
      const want = wantlist || opts.wantlist === true;
      delete opts.wantlist;
      const errors = opts.errors ?? 'strict';
      delete opts.errors;
      const hook = env.hooks.lookup;
      if (!hook) throw new JinjaRuntimeError(`lookup('${pyStr(name)}') is not available here`);
      for (const t of terms) if (t instanceof JinjaUndefined) t.fail();
      try {
        return shapeLookup(hook(pyStr(name), terms, opts), want);
      } catch (e) {
        if (errors === 'ignore' || errors === 'warn') return want ? [] : null;
        throw e;
      }
    });
  const clock = (): Date => env.hooks.now?.() ?? new Date();
  return [
    ['range', new PyCallable('range', (a) => range(a))],
    [
      'dict',
      new PyCallable('dict', (a, kw, ctx) => {
        const d = newDict();
        for (const x of a) {
          if (isMapping(x)) for (const [k, v] of dictEntries(x)) d.set(k, v);
          else if (Array.isArray(x)) for (const p of x) d.set((p as unknown[])[0], (p as unknown[])[1]);
          else throw new JinjaRuntimeError(`'${typeName(x)}' object is not iterable`);
        }
        for (const k of Object.keys(kw)) d.set(k, kw[k]);
        return ctx.own(d);
      }),
    ],
    ['namespace', namespaceGlobal],
    ['cycler', new PyCallable('cycler', (a) => new Cycler(a))],
    [
      'joiner',
      new PyCallable('joiner', (a) => {
        let used = false;
        const sep = a.length ? pyStr(a[0]) : ', ';
        return new PyCallable('joiner', () => (used ? sep : ((used = true), '')));
      }),
    ],
    ['lookup', lookup(false)],
    ['query', lookup(true)],
    ['q', lookup(true)],
    [
      'now',
      new PyCallable('now', (a, kw) => {
        const [utc, fmt] = bindArgs('now', ['utc', 'fmt'], 0, a, kw);
        const d = clock();
        return fmt !== undefined && fmt !== null
          ? strftime(pyStr(fmt), d, utc === true)
          : new PyDateTime(d, utc === true);
      }),
    ],
    [
      'undef',
      new PyCallable('undef', (a) => {
        const h = a[0];
        return new JinjaUndefined(
          typeof h === 'string' && h ? h : 'Mandatory variable has not been overridden',
        );
      }),
    ],
  ];
}
