/**
 * Jinja's `loop` object (index, index0, revindex, first, last, length, depth, previtem,
 * nextitem, cycle(), changed(), loop() for recursive loops) and `namespace()`.
 */
import { PyCallable } from './callable.js';
import { JinjaRuntimeError } from './errors.js';
import { pyEq } from './ops.js';
import { JinjaUndefined, dictEntries, isMapping } from './values.js';

/** The `loop` variable of a for loop. */
export class LoopContext {
  readonly pyType = 'LoopContext';
  index0 = 0;
  private last: unknown[] | undefined;

  constructor(
    private readonly items: unknown[],
    private readonly depth: number,
    readonly recurse?: PyCallable,
  ) {}

  pyGetAttr(name: string): unknown {
    const n = this.items.length;
    const i = this.index0;
    switch (name) {
      case 'index':
        return i + 1;
      case 'index0':
        return i;
      case 'revindex':
        return n - i;
      case 'revindex0':
        return n - i - 1;
      case 'first':
        return i === 0;
      case 'last':
        return i === n - 1;
      case 'length':
        return n;
      case 'depth':
        return this.depth;
      case 'depth0':
        return this.depth - 1;
      case 'previtem':
        return i > 0 ? this.items[i - 1] : new JinjaUndefined('there is no previous item');
      case 'nextitem':
        return i < n - 1 ? this.items[i + 1] : new JinjaUndefined('there is no next item');
      case 'cycle':
        return new PyCallable('cycle', (args) => {
          if (!args.length) throw new JinjaRuntimeError('no items for cycling given');
          return args[i % args.length];
        });
      case 'changed':
        return new PyCallable('changed', (args) => {
          if (
            this.last !== undefined &&
            this.last.length === args.length &&
            this.last.every((x, k) => pyEq(x, args[k]))
          )
            return false;
          this.last = args;
          return true;
        });
      default:
        return new JinjaUndefined(`'LoopContext object' has no attribute '${name}'`);
    }
  }

  /** `loop(children)` in a recursive loop. */
  asCallable(): PyCallable | undefined {
    return this.recurse;
  }
}

/** Jinja's namespace(): the only object `{% set ns.x = ... %}` may assign to. */
export class Namespace {
  readonly pyType = 'Namespace';
  private readonly attrs = new Map<string, unknown>();

  constructor(init: [unknown, unknown][]) {
    for (const [k, v] of init) this.attrs.set(String(k), v);
  }
  pyGetAttr(name: string): unknown {
    return this.attrs.has(name)
      ? this.attrs.get(name)
      : new JinjaUndefined(`'Namespace object' has no attribute '${name}'`);
  }
  set(name: string, v: unknown): void {
    this.attrs.set(name, v);
  }
  pyStr(): string {
    return `<Namespace ${[...this.attrs].map(([k]) => k).join(', ')}>`;
  }
}

/** The `namespace` global. */
export const namespaceGlobal = new PyCallable('namespace', (args, kw) => {
  const init: [unknown, unknown][] = [];
  for (const a of args) if (isMapping(a)) init.push(...dictEntries(a));
  for (const k of Object.keys(kw)) init.push([k, kw[k]]);
  return new Namespace(init);
});
