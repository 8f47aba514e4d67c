/** Minimal, strict XML handling for SOAP envelopes: no DTDs, no entities beyond XML's five. */
import sax from 'sax';
import { KcError } from './errors.js';

export interface XmlNode {
  /** Local name, namespace prefix removed. */
  name: string;
  children: XmlNode[];
  text: string;
}

/** Characters XML 1.0 cannot carry (C0 controls but TAB/LF/CR, U+FFFE/U+FFFF, lone surrogates); replaced with U+FFFD. */
const hex = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;
const C0 = `${hex(0)}-${hex(8)}${hex(0xb)}${hex(0xc)}${hex(0xe)}-${hex(0x1f)}`;
const HIGH = `${hex(0xd800)}-${hex(0xdbff)}`;
const LOW = `${hex(0xdc00)}-${hex(0xdfff)}`;
const INVALID_XML = new RegExp(`[${C0}${hex(0xfffe)}${hex(0xffff)}]|[${HIGH}](?![${LOW}])|(?<![${HIGH}])[${LOW}]`, 'g');

export function escapeText(s: string): string {
  return s
    .replace(INVALID_XML, '\uFFFD')
    .replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))
    .replace(/\r/g, '&#13;');
}

export function sanitizeString(s: string): string {
  return s.replace(INVALID_XML, '\uFFFD');
}

/** Parses a whole document into a tree. Rejects DOCTYPE (no external entities, no entity expansion). */
export function parseXml(xml: string): XmlNode {
  const parser = sax.parser(true, { xmlns: false, trim: false, normalize: false, position: false });
  const root: XmlNode = { name: '#document', children: [], text: '' };
  const stack: XmlNode[] = [root];
  const texts: string[][] = [[]];
  let failure: Error | null = null;
  parser.onerror = (e: Error) => {
    failure ??= e;
    parser.error = null as unknown as Error;
  };
  parser.ondoctype = () => {
    failure ??= new Error('DOCTYPE is not allowed');
  };
  parser.onopentag = (tag: sax.Tag | sax.QualifiedTag) => {
    const colon = tag.name.indexOf(':');
    const node: XmlNode = { name: colon >= 0 ? tag.name.slice(colon + 1) : tag.name, children: [], text: '' };
    stack[stack.length - 1]?.children.push(node);
    stack.push(node);
    texts.push([]);
  };
  parser.ontext = (t: string) => {
    texts[texts.length - 1]?.push(t);
  };
  parser.oncdata = (t: string) => {
    texts[texts.length - 1]?.push(t);
  };
  parser.onclosetag = () => {
    const node = stack.pop();
    const parts = texts.pop();
    if (node && parts) node.text = parts.length === 1 ? (parts[0] ?? '') : parts.join('');
  };
  parser.write(xml).close();
  if (failure)
    throw new KcError('KCERR_INVALID_PARAMETER', `malformed XML: ${(failure as Error).message.split('\n')[0]}`);
  return root;
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((c) => c.name === name);
}
