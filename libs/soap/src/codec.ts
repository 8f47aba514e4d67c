/**
 * Converts between typed values and the wire, driven by the spec: XML both ways (our client's
 * requests and the server's reading of them, replies on the client), and the loose JSON that
 * strong-soap serialises the server's replies from.
 */
import { KcError } from './errors.js';
import type { Field, Fields, ScalarType } from './schema.js';
import { escapeText, sanitizeString, type XmlNode } from './xml.js';

type Loose = unknown;

function invalid(path: string, why: string): KcError {
  return new KcError('KCERR_INVALID_PARAMETER', `${path}: ${why}`);
}

function scalarFrom(type: ScalarType, v: Loose, path: string): unknown {
  switch (type.xsd) {
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      throw invalid(path, 'expected a string');
    case 'int':
    case 'long': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : Number.NaN;
      if (!Number.isSafeInteger(n)) throw invalid(path, 'expected an integer');
      if (type.xsd === 'int' && (n > 2147483647 || n < -2147483648)) throw invalid(path, 'int out of range');
      return n;
    }
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      throw invalid(path, 'expected a boolean');
    case 'base64':
      if (Buffer.isBuffer(v)) return v;
      if (typeof v === 'string') {
        const clean = v.replace(/\s+/g, '');
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) throw invalid(path, 'expected base64');
        return Buffer.from(clean, 'base64');
      }
      throw invalid(path, 'expected base64');
    case 'dateTime': {
      const d = v instanceof Date ? v : typeof v === 'string' ? new Date(v.trim()) : new Date(Number.NaN);
      if (Number.isNaN(d.getTime())) throw invalid(path, 'expected a dateTime');
      return d;
    }
  }
}

function scalarToLoose(type: ScalarType, v: unknown): unknown {
  switch (type.xsd) {
    case 'base64':
      return Buffer.isBuffer(v) ? v.toString('base64') : String(v);
    case 'dateTime':
      return v instanceof Date ? v.toISOString() : String(v);
    case 'string':
      return sanitizeString(String(v));
    default:
      return v;
  }
}

/** Typed values to the loose JSON strong-soap serialises (Buffers as base64, dates as ISO). */
export function toLoose(fields: Fields, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    const conv = (item: unknown): unknown =>
      field.type.kind === 'scalar'
        ? scalarToLoose(field.type, item)
        : toLoose(field.type.fields, item as Record<string, unknown>);
    out[name] = field.occurs === 'many' ? (v as unknown[]).map(conv) : conv(v);
  }
  return out;
}

function scalarXml(type: ScalarType, v: unknown): string {
  switch (type.xsd) {
    case 'base64':
      return Buffer.isBuffer(v) ? v.toString('base64') : '';
    case 'dateTime':
      return v instanceof Date ? v.toISOString() : escapeText(String(v));
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return escapeText(String(v));
  }
}

/** Typed values to XML child elements in spec order (document/literal, default namespace). */
export function toXml(fields: Fields, value: Record<string, unknown>): string {
  let out = '';
  for (const [name, field] of Object.entries(fields)) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    const one = (item: unknown): string =>
      `<${name}>${
        field.type.kind === 'scalar'
          ? scalarXml(field.type, item)
          : toXml(field.type.fields, item as Record<string, unknown>)
      }</${name}>`;
    out += field.occurs === 'many' ? (v as unknown[]).map(one).join('') : one(v);
  }
  return out;
}

/** XML element children to typed values. */
export function fromXml(fields: Fields, node: XmlNode, path = ''): Record<string, unknown> {
  const loose: Record<string, Loose[]> = {};
  for (const c of node.children) {
    const list = loose[c.name];
    if (list) list.push(c);
    else loose[c.name] = [c];
  }
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields) as [string, Field][]) {
    const p = path ? `${path}.${name}` : name;
    const nodes = (loose[name] ?? []) as XmlNode[];
    const conv = (n: XmlNode, q: string): unknown =>
      field.type.kind === 'scalar' ? scalarFrom(field.type, n.text, q) : fromXml(field.type.fields, n, q);
    if (field.occurs === 'many') out[name] = nodes.map((n, i) => conv(n, `${p}[${i}]`));
    else if (nodes[0]) out[name] = conv(nodes[0], p);
    else if (field.occurs === 'one') {
      if (field.type.kind === 'scalar' && field.type.xsd === 'string') out[name] = '';
      else throw invalid(p, 'is required');
    }
  }
  return out;
}
