/**
 * Python's ast.literal_eval on rendered text, as Ansible's ansible_eval_concat applies it (with
 * its Json2Python rule: bare true/false/null are accepted): strings, numbers, lists, tuples,
 * dicts, True/False/None. Text that Python would not parse stays text (ok: false). Literals
 * Python evaluates but certfleet has no type for (sets, bytes, complex) throw rather than differ.
 */
import { JinjaRuntimeError } from './errors.js';
import { unescape } from './stream.js';
import { mkFloat, mkInt, newDict, tuple } from './values.js';

type Result = { ok: true; value: unknown } | { ok: false };

const TOKEN =
  /\s+|#[^\n]*|(?<str>(?:[rRuUbB]|[bB][rR]|[rR][bB])?(?:'''[\s\S]*?'''|"""[\s\S]*?"""|'(?:[^'\\\n]|\\[\s\S])*'|"(?:[^"\\\n]|\\[\s\S])*"))|(?<num>(?:0[xX](?:_?[\da-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?\.?)[jJ]?)|(?<name>[A-Za-z_]\w*)|(?<op>[[\](){},:+-]|\S)/y;

interface Tok {
  k: 'str' | 'num' | 'name' | 'op' | 'eof';
  v: string;
}

function lex(s: string): Tok[] | null {
  const out: Tok[] = [];
  let pos = 0;
  while (pos < s.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(s);
    if (!m) return null;
    pos = TOKEN.lastIndex;
    const g = m.groups!;
    if (g.str !== undefined) out.push({ k: 'str', v: g.str });
    else if (g.num !== undefined) out.push({ k: 'num', v: g.num });
    else if (g.name !== undefined) out.push({ k: 'name', v: g.name });
    else if (g.op !== undefined) out.push({ k: 'op', v: g.op });
  }
  out.push({ k: 'eof', v: '' });
  return out;
}

class Fail extends Error {}
const unsupported = (what: string): never => {
  throw new JinjaRuntimeError(
    `the rendered value is a Python ${what} literal, which certfleet does not represent`,
  );
};

function strValue(t: string): string {
  const m = /^([rRuUbB]*)('''|"""|'|")([\s\S]*)\2$/.exec(t)!;
  const prefix = m[1].toLowerCase();
  if (prefix.includes('b')) unsupported('bytes');
  return prefix.includes('r') ? m[3] : unescape(m[3], 0);
}

function numValue(t: string): unknown {
  if (/[jJ]$/.test(t)) unsupported('complex');
  const s = t.replace(/_/g, '');
  if (/^0[xob]/i.test(s)) return mkInt(BigInt(s.toLowerCase()));
  if (/[.eE]/.test(s)) return mkFloat(Number(s));
  if (/^0\d/.test(s) && !/^0+$/.test(s)) throw new Fail();
  return mkInt(BigInt(s));
}

class P {
  i = 0;
  constructor(readonly t: Tok[]) {}
  peek(): Tok {
    return this.t[this.i];
  }
  eat(v: string): boolean {
    if (this.peek().k === 'op' && this.peek().v === v) {
      this.i++;
      return true;
    }
    return false;
  }
  expect(v: string): void {
    if (!this.eat(v)) throw new Fail();
  }
  value(): unknown {
    const t = this.t[this.i++];
    if (t.k === 'str') {
      let s = strValue(t.v);
      while (this.peek().k === 'str') s += strValue(this.t[this.i++].v);
      return s;
    }
    if (t.k === 'num') return numValue(t.v);
    if (t.k === 'name') {
      if (t.v === 'True' || t.v === 'true') return true;
      if (t.v === 'False' || t.v === 'false') return false;
      if (t.v === 'None' || t.v === 'null') return null;
      throw new Fail();
    }
    if (t.k === 'op') {
      if (t.v === '-' || t.v === '+') {
        const n = this.peek();
        if (n.k !== 'num') throw new Fail();
        const v = this.value();
        if (t.v === '+') return v;
        return typeof v === 'bigint'
          ? mkInt(-v)
          : typeof v === 'number'
            ? Object.is(-v, -0)
              ? 0
              : -v
            : mkFloat(-(v as { value: number }).value);
      }
      if (t.v === '[') return this.seq(']');
      if (t.v === '(') {
        const items: unknown[] = [];
        let comma = false;
        while (!this.eat(')')) {
          if (items.length && !comma) throw new Fail();
          items.push(this.value());
          comma = this.eat(',');
        }
        return items.length === 1 && !comma ? items[0] : tuple(items);
      }
      if (t.v === '{') return this.dict();
    }
    throw new Fail();
  }
  seq(end: string): unknown[] {
    const items: unknown[] = [];
    while (!this.eat(end)) {
      items.push(this.value());
      if (!this.eat(',')) {
        this.expect(end);
        break;
      }
    }
    return items;
  }
  dict(): unknown {
    const entries: [unknown, unknown][] = [];
    if (this.eat('}')) return newDict();
    const first = this.value();
    if (!this.eat(':')) {
      unsupported('set');
    }
    entries.push([first, this.value()]);
    while (this.eat(',')) {
      if (this.eat('}')) return newDict(entries);
      const k = this.value();
      this.expect(':');
      entries.push([k, this.value()]);
    }
    this.expect('}');
    for (const [k] of entries)
      if (Array.isArray(k) && !Object.getOwnPropertySymbols(k).length)
        throw new JinjaRuntimeError("unhashable type: 'list'");
    return newDict(entries);
  }
}

/** Python's literal_eval of `text`. */
export function literalEval(text: string): Result {
  const toks = lex(text);
  if (!toks) return { ok: false };
  const p = new P(toks);
  try {
    const value = p.value();
    if (p.peek().k !== 'eof') return { ok: false };
    return { ok: true, value };
  } catch (e) {
    if (e instanceof Fail) return { ok: false };
    throw e;
  }
}
