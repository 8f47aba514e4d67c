/** Minimal, strict XML handling for SOAP envelopes: no DTDs, no entities beyond XML's five. */
import sax from 'sax';
import { KcError } from './errors.js';

export interface XmlNode {
  /** Local name, namespace prefix removed. */
  name: string;
  children: XmlNode[];
  text: string;
}

/** Characters XML 1.0 cannot carry; replaced with U+FFFD on the way out. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters to strip
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

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
  if (failure) throw new KcError('KCERR_INVALID_PARAMETER', `malformed XML: ${(failure as Error).message.split('\n')[0]}`);
  return root;
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((c) => c.name === name);
}
