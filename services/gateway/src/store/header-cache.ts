/**
 * Decoded top-level header fields by store and message, for SEARCH's header keys (FROM, TO, CC,
 * BCC, HEADER, SENT*, the header half of TEXT): least recently used out first, bounded by an
 * estimate of their memory. A message's header never changes, so entries need no invalidation.
 * With them a repeated header search touches no message bytes at all, and a first one loads only
 * header blocks (loadMessages headersOnly), not whole messages.
 *
 * SUBJECT needs only the decoded Subject values, which the server keeps with each row
 * (searchSubjects): they are kept apart, much smaller, filled by a FETCH of ENVELOPE (as a client
 * lists a folder) or by one table query, so a first SUBJECT search loads no header at all.
 */
import { decodeHeaderText, parseHeaderBlock } from '@kgc/mapi';
import { HEADER_CACHE_BYTES, SUBJECT_CACHE_BYTES } from '../limits.js';
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

/** The decoded values of the Subject fields, from a row's searchSubjects (JSON); undefined if malformed. */
export function parseSearchSubjects(json: string): string[] | undefined {
  // One subject without escapes (most messages): `["…"]` is the text itself. The server writes
  // JSON.stringify's output, which escapes every control character: no backslash, no raw control.
  const last = json.length - 2;
  if (
    last >= 2 &&
    json.startsWith('["') &&
    json.endsWith('"]') &&
    json.indexOf('"', 2) === last &&
    !json.includes('\\')
  )
    return [json.slice(2, last)];
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

/** What a cached subjects entry costs (an estimate of its bytes). */
function subjectsSize(subjects: readonly string[] | string): number {
  let size = 48;
  if (typeof subjects === 'string') size += subjects.length * 2;
  else for (const s of subjects) size += 32 + s.length * 2;
  return size;
}

/** The decoded values of the Subject fields of decoded header fields (as the server computes them). */
export function subjectsOf(h: HeaderFields): string[] {
  return h.fields.filter((f) => f.key === 'subject').map((f) => f.value);
}

export class HeaderCache {
  private readonly lru: ByteLru<HeaderFields>;
  /** The values, or the row's JSON until a search first asks (a FETCH of ENVELOPE fills many never searched). */
  private readonly subjectLru: ByteLru<readonly string[] | string>;

  constructor(maxBytes = HEADER_CACHE_BYTES, subjectBytes = SUBJECT_CACHE_BYTES) {
    this.lru = new ByteLru(maxBytes);
    this.subjectLru = new ByteLru(subjectBytes);
  }

  /** The Subject values of a message: kept on their own, or from its cached header fields. */
  subjects(storeId: number, messageId: number): readonly string[] | undefined {
    const key = `${storeId}:${messageId}`;
    const kept = this.subjectLru.get(key);
    if (typeof kept === 'string') {
      const parsed = parseSearchSubjects(kept);
      if (parsed) {
        this.subjectLru.replace(key, parsed, subjectsSize(parsed));
        return parsed;
      }
      this.subjectLru.delete(key);
    } else if (kept) return kept;
    const fields = this.lru.get(key);
    return fields ? subjectsOf(fields) : undefined;
  }

  /** `subjects`: the values, or a row's searchSubjects JSON (parsed when first asked for). */
  setSubjects(storeId: number, messageId: number, subjects: readonly string[] | string): void {
    this.subjectLru.set(`${storeId}:${messageId}`, subjects, subjectsSize(subjects));
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
