/**
 * Decoded top-level header fields by store and message, for SEARCH's header keys (SUBJECT, FROM,
 * TO, CC, BCC, HEADER, SENT*, the header half of TEXT): least recently used out first, bounded by
 * an estimate of their memory. A message's header never changes, so entries need no
 * invalidation. With them a repeated header search touches no message bytes at all, and a first
 * one loads only header blocks (loadMessages headersOnly), not whole messages.
 */
import { decodeHeaderText, parseHeaderBlock } from '@kgc/mapi';
import { HEADER_CACHE_BYTES } from '../limits.js';
import { ByteLru } from './byte-lru.js';

export interface HeaderField {
  /** As written (TEXT matches `Name: value`). */
  name: string;
  /** Lower case, for lookups. */
  key: string;
  /** Unfolded and RFC 2047-decoded, as SEARCH compares it. */
  value: string;
}

export interface HeaderFields {
  fields: readonly HeaderField[];
  /** The first Date field's raw value (latin1): SENTBEFORE/ON/SINCE read its day as written. */
  date: string | null;
}

/**
 * The header fields of a message or of its header block (the same fields either way): the
 * top-level header only, the way the MIME parser reads it, without taking the body apart.
 */
export function headerFieldsOf(raw: Buffer): HeaderFields {
  const { fields } = parseHeaderBlock(raw, 0, null);
  const date = fields.find((f) => f.name.toLowerCase() === 'date');
  return {
    fields: fields.map((f) => ({ name: f.name, key: f.name.toLowerCase(), value: decodeHeaderText(f.rawValue) })),
    date: date ? date.rawValue.toString('latin1') : null,
  };
}

function sizeOf(h: HeaderFields): number {
  let n = 64 + (h.date?.length ?? 0) * 2;
  for (const f of h.fields) n += 48 + (f.name.length + f.key.length + f.value.length) * 2;
  return n;
}

export class HeaderCache {
  private readonly lru: ByteLru<HeaderFields>;

  constructor(maxBytes = HEADER_CACHE_BYTES) {
    this.lru = new ByteLru(maxBytes);
  }

  get(storeId: number, messageId: number): HeaderFields | undefined {
    return this.lru.get(`${storeId}:${messageId}`);
  }

  set(storeId: number, messageId: number, fields: HeaderFields): void {
    this.lru.set(`${storeId}:${messageId}`, fields, sizeOf(fields));
  }

  get size(): number {
    return this.lru.size;
  }
}
