/**
 * A strict little XML reader/writer for the Route53 fake: elements, text and entities, no
 * attributes besides `xmlns` on the root (which must be Route53's). Malformed input throws.
 */

export interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';

function decode(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

/** Parse a document; throws on anything malformed or on a foreign namespace. */
export function parseXml(text: string): XmlNode {
  let i = text.startsWith('<?xml') ? text.indexOf('?>') + 2 : 0;
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  const tag = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:]+="[^"]*")*)\s*(\/?)>/y;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    if (chunk.trim()) {
      if (!stack.length) throw new Error('text outside the root element');
      stack[stack.length - 1].text += decode(chunk);
    }
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(text);
    if (!m) throw new Error(`malformed tag at offset ${lt}`);
    const [, closing, name, attrs, selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
    } else {
      if (
        attrs.trim() &&
        (stack.length || !new RegExp(`^\\s*xmlns="${NS.replace(/[./]/g, '\\$&')}"$`).test(attrs))
      ) {
        throw new Error(`unexpected attributes on <${name}>: ${attrs.trim()}`);
      }
      const node: XmlNode = { name, children: [], text: '' };
      if (stack.length) stack[stack.length - 1].children.push(node);
      else if (root) throw new Error('more than one root element');
      else root = node;
      if (!selfClosing) stack.push(node);
    }
    i = tag.lastIndex;
  }
  if (!root || stack.length) throw new Error('unterminated document');
  return root;
}

/** The only child called `name` (throws when missing or repeated, unless optional). */
export function child(node: XmlNode, name: string, optional = false): XmlNode | undefined {
  const found = node.children.filter((c) => c.name === name);
  if (found.length > 1) throw new Error(`<${node.name}> has ${found.length} <${name}>`);
  if (!found.length && !optional) throw new Error(`<${node.name}> lacks <${name}>`);
  return found[0];
}

/** Every child called `name`. */
export function children(node: XmlNode, name: string): XmlNode[] {
  return node.children.filter((c) => c.name === name);
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Serialize `{ Tag: value | nested | array }` into XML elements. */
export type XmlValue = string | number | boolean | XmlObject | XmlValue[];
export interface XmlObject {
  [key: string]: XmlValue;
}

function render(name: string, value: XmlValue): string {
  if (Array.isArray(value)) return value.map((v) => render(name, v)).join('');
  if (typeof value === 'object')
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => render(k, v))
      .join('')}</${name}>`;
  return `<${name}>${escape(String(value))}</${name}>`;
}

/** A whole response document with Route53's namespace on the root. */
export function xmlDocument(root: string, body: XmlObject): string {
  const inner = Object.entries(body)
    .map(([k, v]) => render(k, v))
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${NS}">${inner}</${root}>`;
}
