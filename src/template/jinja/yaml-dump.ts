/**
 * yaml.dump as Ansible's to_yaml / to_nice_yaml call it (SafeDumper, allow_unicode, sorted keys):
 * the emitter's state machine (libyaml's, which PyYAML mirrors) — flow style for collections of
 * scalars when default_flow_style is None, indentless sequences in mappings, scalar style from
 * the scalar's analysis and YAML 1.1 implicit types, line wrapping at `width`.
 */
import { JinjaRuntimeError } from './errors.js';
import { pyCmp } from './ops.js';
import { floatRepr } from './pystr.js';
import { JinjaUndefined, PyDateTime, PyFloat, dictEntries, isMapping, isTuple } from './values.js';

/** Dump options. */
export interface YamlOptions {
  /** default_flow_style: null = flow for collections of scalars only */
  flow: boolean | null;
  indent: number;
  width: number;
  sortKeys: boolean;
  explicitStart: boolean;
}

type Node =
  | { k: 'scalar'; v: string; plainOk: boolean }
  | { k: 'seq'; items: Node[]; flow: boolean }
  | { k: 'map'; items: [Node, Node][]; flow: boolean };

const IMPLICIT = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:=)$/,
];

function represent(v: unknown, o: YamlOptions): Node {
  if (v === null) return { k: 'scalar', v: 'null', plainOk: true };
  if (typeof v === 'boolean') return { k: 'scalar', v: v ? 'true' : 'false', plainOk: true };
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)))
    return { k: 'scalar', v: String(v), plainOk: true };
  if (typeof v === 'number' || v instanceof PyFloat) {
    const x = Number(v);
    let s = Number.isNaN(x)
      ? '.nan'
      : x === Infinity
        ? '.inf'
        : x === -Infinity
          ? '-.inf'
          : floatRepr(x).toLowerCase();
    if (!s.includes('.') && s.includes('e')) s = s.replace('e', '.0e');
    return { k: 'scalar', v: s, plainOk: true };
  }
  if (typeof v === 'string') return { k: 'scalar', v, plainOk: !IMPLICIT.some((r) => r.test(v)) };
  if (v instanceof JinjaUndefined) v.fail();
  if (Array.isArray(v)) {
    if (isTuple(v)) throw new JinjaRuntimeError('to_yaml: cannot represent a tuple');
    const items = v.map((x) => represent(x, o));
    return { k: 'seq', items, flow: o.flow ?? items.every((x) => x.k === 'scalar') };
  }
  if (isMapping(v)) {
    let entries = dictEntries(v);
    if (o.sortKeys) entries = [...entries].sort((a, b) => pyCmp(a[0], b[0]));
    const items = entries.map(([k, x]) => [represent(k, o), represent(x, o)] as [Node, Node]);
    return { k: 'map', items, flow: o.flow ?? items.every(([a, b]) => a.k === 'scalar' && b.k === 'scalar') };
  }
  if (v instanceof PyDateTime) throw new JinjaRuntimeError('to_yaml: cannot represent a datetime');
  throw new JinjaRuntimeError('to_yaml: cannot represent an object');
}

const BREAKS = '\n\x85\u2028\u2029';
const WS = '\0 \t\r\n\x85\u2028\u2029';

interface Analysis {
  empty: boolean;
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  single: boolean;
}

function analyze(s: string): Analysis {
  if (!s) return { empty: true, multiline: false, flowPlain: false, blockPlain: true, single: true };
  let block = false;
  let flow = false;
  let lineBreaks = false;
  let special = false;
  let leadSpace = false;
  let leadBreak = false;
  let trailSpace = false;
  let trailBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  if (s.startsWith('---') || s.startsWith('...')) block = flow = true;
  const ch = Array.from(s);
  let preceded = true;
  let followed = ch.length === 1 || WS.includes(ch[1]);
  let prevSpace = false;
  let prevBreak = false;
  for (let i = 0; i < ch.length; i++) {
    const c = ch[i];
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) flow = block = true;
      if ('?:'.includes(c)) {
        flow = true;
        if (followed) block = true;
      }
      if (c === '-' && followed) flow = block = true;
    } else {
      if (',?[]{}'.includes(c)) flow = true;
      if (c === ':') {
        flow = true;
        if (followed) block = true;
      }
      if (c === '#' && preceded) flow = block = true;
    }
    if (BREAKS.includes(c)) lineBreaks = true;
    const cp = c.codePointAt(0)!;
    if (!(c === '\n' || (cp >= 0x20 && cp <= 0x7e))) {
      const uni =
        (cp === 0x85 ||
          (cp >= 0xa0 && cp <= 0xd7ff) ||
          (cp >= 0xe000 && cp <= 0xfffd) ||
          (cp >= 0x10000 && cp < 0x10ffff)) &&
        cp !== 0xfeff;
      if (!uni) special = true;
    }
    if (c === ' ') {
      if (i === 0) leadSpace = true;
      if (i === ch.length - 1) trailSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (BREAKS.includes(c)) {
      if (i === 0) leadBreak = true;
      if (i === ch.length - 1) trailBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else prevSpace = prevBreak = false;
    preceded = WS.includes(c);
    followed = i + 2 >= ch.length || WS.includes(ch[i + 2]);
  }
  let flowPlain = true;
  let blockPlain = true;
  let single = true;
  if (leadSpace || leadBreak || trailSpace || trailBreak) flowPlain = blockPlain = false;
  if (breakSpace) flowPlain = blockPlain = single = false;
  if (spaceBreak || special) flowPlain = blockPlain = single = false;
  if (lineBreaks) flowPlain = blockPlain = false;
  if (flow) flowPlain = false;
  if (block) blockPlain = false;
  return { empty: false, multiline: lineBreaks, flowPlain, blockPlain, single };
}

const ESC: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\b': 'b',
  '\t': 't',
  '\n': 'n',
  '\v': 'v',
  '\f': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xa0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

class Emitter {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;
  indent: number | null = null;
  indents: (number | null)[] = [];
  flowLevel = 0;
  openEnded = false;
  constructor(readonly o: YamlOptions) {}

  write(s: string): void {
    this.out += s;
    this.column += Array.from(s).length;
  }
  lineBreak(): void {
    this.out += '\n';
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
  }
  writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.lineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.out += ' '.repeat(indent - this.column);
      this.column = indent;
    }
  }
  indicator(ind: string, needWs: boolean, whitespace = false, indention = false): void {
    this.write(this.whitespace || !needWs ? ind : ` ${ind}`);
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.openEnded = false;
  }
  increase(flow: boolean, indentless = false): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? this.o.indent : 0;
    else if (!indentless) this.indent += this.o.indent;
  }
  pop(): void {
    this.indent = this.indents.pop() ?? null;
  }

  node(n: Node, ctx: { root?: boolean; seq?: boolean; map?: boolean; key?: boolean }): void {
    if (n.k === 'scalar') {
      this.increase(true);
      this.scalar(n, ctx);
      this.pop();
    } else if (n.k === 'seq') {
      if (this.flowLevel || n.flow || !n.items.length) this.flowSeq(n.items);
      else this.blockSeq(n.items, ctx.map === true);
    } else if (this.flowLevel || n.flow || !n.items.length) this.flowMap(n.items);
    else this.blockMap(n.items);
  }

  scalar(n: Extract<Node, { k: 'scalar' }>, ctx: { root?: boolean; key?: boolean }): void {
    const a = analyze(n.v);
    const split = !ctx.key;
    let style: string;
    if (n.plainOk && !(ctx.key && (a.empty || a.multiline)) && (this.flowLevel ? a.flowPlain : a.blockPlain))
      style = '';
    else if (a.single && !(ctx.key && a.multiline)) style = "'";
    else style = '"';
    if (style === '') this.plain(n.v, split, ctx.root === true);
    else if (style === "'") this.single(n.v, split);
    else this.double(n.v, split);
  }

  plain(text: string, split: boolean, root: boolean): void {
    if (root) this.openEnded = true;
    if (!text) return;
    if (!this.whitespace) this.write(' ');
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : null;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > this.o.width && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else this.write(text.slice(start, end));
          start = end;
        }
      } else if (ch === null || ' \n\x85\u2028\u2029'.includes(ch)) {
        this.write(text.slice(start, end));
        start = end;
      }
      if (ch !== null) spaces = ch === ' ';
    }
  }

  single(text: string, split: boolean): void {
    this.indicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : null;
      if (spaces) {
        if (ch === null || ch !== ' ') {
          if (start + 1 === end && this.column > this.o.width && split && start !== 0 && end !== text.length)
            this.writeIndent();
          else this.write(text.slice(start, end));
          start = end;
        }
      } else if (breaks) {
        if (ch === null || !BREAKS.includes(ch)) {
          if (text[start] === '\n') this.lineBreak();
          for (const br of text.slice(start, end)) {
            if (br === '\n') this.lineBreak();
            else {
              this.out += br;
              this.column = 0;
            }
          }
          this.writeIndent();
          start = end;
        }
      } else if (ch === null || ' \n\x85\u2028\u2029'.includes(ch) || ch === "'") {
        if (start < end) {
          this.write(text.slice(start, end));
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''");
        start = end + 1;
      }
      if (ch !== null) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
    this.indicator("'", false);
  }

  double(text: string, split: boolean): void {
    this.indicator('"', true);
    let start = 0;
    const t = Array.from(text);
    for (let end = 0; end <= t.length; end++) {
      const ch = end < t.length ? t[end] : null;
      const cp = ch === null ? 0 : ch.codePointAt(0)!;
      if (
        ch === null ||
        '"\\\x85\u2028\u2029\ufeff'.includes(ch) ||
        !(
          (cp >= 0x20 && cp <= 0x7e) ||
          (cp >= 0xa0 && cp <= 0xd7ff) ||
          (cp >= 0xe000 && cp <= 0xfffd) ||
          cp >= 0x10000
        )
      ) {
        if (start < end) {
          this.write(t.slice(start, end).join(''));
          start = end;
        }
        if (ch !== null) {
          const e =
            ESC[ch] !== undefined
              ? `\\${ESC[ch]}`
              : cp <= 0xff
                ? `\\x${cp.toString(16).toUpperCase().padStart(2, '0')}`
                : `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
          this.write(e);
          start = end + 1;
        }
      }
      if (
        end > 0 &&
        end < t.length - 1 &&
        (ch === ' ' || start >= end) &&
        this.column + (end - start) > this.o.width &&
        split
      ) {
        const data = `${t.slice(start, end).join('')}\\`;
        if (start < end) start = end;
        this.write(data);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (t[start] === ' ') this.write('\\');
      }
    }
    this.indicator('"', false);
  }

  simpleKey(k: Node): boolean {
    if (k.k === 'scalar') {
      const a = analyze(k.v);
      return Array.from(k.v).length < 128 && !a.empty && !a.multiline;
    }
    return !k.items.length;
  }

  flowSeq(items: Node[]): void {
    this.indicator('[', true, true);
    this.flowLevel++;
    this.increase(true);
    items.forEach((x, i) => {
      if (i) this.indicator(',', false);
      if (this.column > this.o.width) this.writeIndent();
      this.node(x, { seq: true });
    });
    this.pop();
    this.flowLevel--;
    this.indicator(']', false);
  }

  flowMap(items: [Node, Node][]): void {
    this.indicator('{', true, true);
    this.flowLevel++;
    this.increase(true);
    items.forEach(([k, v], i) => {
      if (i) this.indicator(',', false);
      if (this.column > this.o.width) this.writeIndent();
      if (!this.simpleKey(k)) throw new JinjaRuntimeError('to_yaml: complex mapping keys are not supported');
      this.node(k, { map: true, key: true });
      this.indicator(':', false);
      this.node(v, { map: true });
    });
    this.pop();
    this.flowLevel--;
    this.indicator('}', false);
  }

  blockSeq(items: Node[], mapContext: boolean): void {
    this.increase(false, mapContext && !this.indention);
    for (const x of items) {
      this.writeIndent();
      this.indicator('-', true, false, true);
      this.node(x, { seq: true });
    }
    this.pop();
  }

  blockMap(items: [Node, Node][]): void {
    this.increase(false);
    for (const [k, v] of items) {
      this.writeIndent();
      if (!this.simpleKey(k)) throw new JinjaRuntimeError('to_yaml: complex mapping keys are not supported');
      this.node(k, { map: true, key: true });
      this.indicator(':', false);
      this.node(v, { map: true });
    }
    this.pop();
  }
}

/** yaml.dump(value, Dumper=AnsibleDumper, allow_unicode=True, ...) */
export function yamlDump(v: unknown, o: YamlOptions): string {
  const root = represent(v, o);
  const e = new Emitter(o);
  if (o.explicitStart) {
    e.writeIndent();
    e.indicator('---', true);
  }
  e.node(root, { root: true });
  e.writeIndent();
  return e.out;
}
