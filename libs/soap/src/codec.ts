/**
 * Converts between typed values and the wire, driven by the spec: XML both ways (our client's
 * requests and the server's reading of them, replies on the client), and the loose JSON that
 * strong-soap serialises the server's replies from.
 */
import { KcError } from './errors.js';
import { partId, XOP_MIN_BYTES, XOP_NAMESPACE } from './mtom.js';
import type { Field, Fields, ScalarType } from './schema.js';
import { escapeText, sanitizeString, type XmlNode } from './xml.js';

type Loose = unknown;

function invalid(path: string, why: string): KcError {
  return new KcError('KCERR_INVALID_PARAMETER', `${path}: ${why}`);
}

/** A decoding failure deep in a tree; each level on the way up adds its part of the path. */
class DecodeError extends Error {
  constructor(
    readonly segments: string[],
    readonly why: string,
  ) {
    super(why);
  }
}

function scalarFrom(type: ScalarType, v: Loose): unknown {
  switch (type.xsd) {
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      throw new DecodeError([], 'expected a string');
    case 'int':
    case 'long': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : Number.NaN;
      if (!Number.isSafeInteger(n)) throw new DecodeError([], 'expected an integer');
      if (type.xsd === 'int' && (n > 2147483647 || n < -2147483648)) throw new DecodeError([], 'int out of range');
      return n;
    }
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      throw new DecodeError([], 'expected a boolean');
    case 'base64':
      if (Buffer.isBuffer(v)) return v;
      if (typeof v === 'string') {
        const clean = v.replace(/\s+/g, '');
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0)
          throw new DecodeError([], 'expected base64');
        return Buffer.from(clean, 'base64');
      }
      throw new DecodeError([], 'expected base64');
    case 'dateTime': {
      const d = v instanceof Date ? v : typeof v === 'string' ? new Date(v.trim()) : new Date(Number.NaN);
      if (Number.isNaN(d.getTime())) throw new DecodeError([], 'expected a dateTime');
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
    case 'int':
    case 'long':
      return typeof v === 'number' ? String(v) : escapeText(String(v));
    default:
      return escapeText(String(v));
  }
}

/**
 * Typed values to XML child elements in spec order (document/literal, default namespace). With
 * `parts` (an MTOM reply), base64 values of XOP_MIN_BYTES or more are moved there and referenced
 * by an `xop:Include`.
 */
export function toXml(fields: Fields, value: Record<string, unknown>, parts?: Buffer[]): string {
  let out = '';
  for (const { name, field, open, close } of slotsOf(fields).list) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    if (field.occurs === 'many') {
      for (const item of v as unknown[]) out += open + itemXml(field, item, parts) + close;
    } else out += open + itemXml(field, v, parts) + close;
  }
  return out;
}

function itemXml(field: Field, item: unknown, parts: Buffer[] | undefined): string {
  if (field.type.kind !== 'scalar') return toXml(field.type.fields, item as Record<string, unknown>, parts);
  if (parts && field.type.xsd === 'base64' && Buffer.isBuffer(item) && item.length >= XOP_MIN_BYTES) {
    parts.push(item);
    return `<xop:Include xmlns:xop="${XOP_NAMESPACE}" href="cid:${partId(parts.length)}"/>`;
  }
  return scalarXml(field.type, item);
}

interface Slot {
  name: string;
  field: Field;
  index: number;
  /** `<name>` and `</name>`. */
  open: string;
  close: string;
}

/** Per struct: its fields in spec order, and by element name (coding is hot: 10,000-row tables). */
const slotsCache = new WeakMap<Fields, { list: Slot[]; byName: Map<string, Slot> }>();

function slotsOf(fields: Fields): { list: Slot[]; byName: Map<string, Slot> } {
  let s = slotsCache.get(fields);
  if (!s) {
    const list = Object.entries(fields).map(([name, field], index) => ({
      name,
      field,
      index,
      open: `<${name}>`,
      close: `</${name}>`,
    }));
    s = { list, byName: new Map(list.map((x) => [x.name, x])) };
    slotsCache.set(fields, s);
  }
  return s;
}

/** The Content-ID a `cid:` URL names (RFC 2392: URL-encoded); '' when it is not well encoded. */
function cidOf(href: string): string {
  try {
    return decodeURIComponent(href.slice(4));
  } catch {
    return '';
  }
}

/** MTOM parts by Content-ID, while a reply that came with them is decoded. */
type Parts = ReadonlyMap<string, Buffer> | undefined;

function convert(field: Field, n: XmlNode, parts: Parts): unknown {
  if (field.type.kind !== 'scalar') return decode(field.type.fields, n, parts);
  if (field.type.xsd === 'base64' && n.children.length > 0) {
    const include = n.children.length === 1 ? n.children[0] : undefined;
    const href = include?.name === 'Include' ? include.href : undefined;
    const part = parts && href?.startsWith('cid:') ? parts.get(cidOf(href)) : undefined;
    if (!part) throw new DecodeError([], 'expected base64 or an xop:Include of a part of the reply');
    return part;
  }
  return scalarFrom(field.type, n.text);
}

function decode(fields: Fields, node: XmlNode, parts: Parts): Record<string, unknown> {
  const { list, byName } = slotsOf(fields);
  const found: Array<XmlNode | XmlNode[] | undefined> = new Array(list.length);
  for (const c of node.children) {
    const slot = byName.get(c.name);
    if (!slot) continue;
    const have = found[slot.index];
    if (slot.field.occurs === 'many') {
      if (have) (have as XmlNode[]).push(c);
      else found[slot.index] = [c];
    } else if (!have) found[slot.index] = c;
  }
  const out: Record<string, unknown> = {};
  for (const { name, field, index } of list) {
    const have = found[index];
    if (field.occurs === 'many') {
      const nodes = (have ?? []) as XmlNode[];
      const values = new Array<unknown>(nodes.length);
      for (let i = 0; i < nodes.length; i++) {
        try {
          values[i] = convert(field, nodes[i] as XmlNode, parts);
        } catch (e) {
          if (e instanceof DecodeError) e.segments.unshift(`${name}[${i}]`);
          throw e;
        }
      }
      out[name] = values;
    } else if (have) {
      try {
        out[name] = convert(field, have as XmlNode, parts);
      } catch (e) {
        if (e instanceof DecodeError) e.segments.unshift(name);
        throw e;
      }
    } else if (field.occurs === 'one') {
      if (field.type.kind === 'scalar' && field.type.xsd === 'string') out[name] = '';
      else throw new DecodeError([name], 'is required');
    }
  }
  return out;
}

/**
 * XML element children to typed values; a failure names the path (`rows[3].uid: expected an
 * integer`). `parts`: the MTOM parts of the reply the XML came in.
 */
export function fromXml(
  fields: Fields,
  node: XmlNode,
  path = '',
  parts?: ReadonlyMap<string, Buffer>,
): Record<string, unknown> {
  try {
    return decode(fields, node, parts);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    const at = [...(path ? [path] : []), ...e.segments].join('.').replace(/\.\[/g, '[');
    throw invalid(at, e.why);
  }
}
