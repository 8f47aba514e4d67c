import { decodeKeywords } from './message-flags.js';
import type { MessageColumn, MessageRecord } from './message-types.js';
import { bool, bufOrNull, num, numOrNull, strOrNull } from './rows.js';

/** MessageRecord field → SQL column. */
export const MESSAGE_COLUMNS: Readonly<Record<keyof MessageRecord, string>> = {
  id: 'id',
  storeId: 'store_id',
  folderId: 'folder_id',
  uid: 'uid',
  modseq: 'modseq',
  flags: 'flags',
  keywords: 'keywords',
  internalDate: 'internal_date',
  size: 'size',
  messageClass: 'message_class',
  subject: 'subject',
  fromAddress: 'from_address',
  fromName: 'from_name',
  to: 'to_addrs',
  cc: 'cc_addrs',
  date: 'date_header',
  messageId: 'message_id',
  inReplyTo: 'in_reply_to',
  imapEnvelope: 'imap_envelope',
  imapBody: 'imap_body',
  imapBodystructure: 'imap_bodystructure',
  searchSubjects: 'search_subjects',
  blobHash: 'blob_hash',
  hasAttachments: 'has_attachments',
  createdAt: 'created_at',
};

export const ALL_MESSAGE_FIELDS = Object.keys(MESSAGE_COLUMNS) as Array<keyof MessageRecord>;

const NUMBER_FIELDS = new Set<keyof MessageRecord>([
  'id',
  'storeId',
  'folderId',
  'uid',
  'modseq',
  'flags',
  'internalDate',
  'size',
  'createdAt',
]);

function convert(field: keyof MessageRecord, v: unknown): unknown {
  if (NUMBER_FIELDS.has(field)) return num(v);
  if (field === 'date') return numOrNull(v);
  if (field === 'keywords') return decodeKeywords(v);
  if (field === 'hasAttachments') return bool(v);
  if (field === 'messageClass') return String(v);
  if (field === 'imapEnvelope' || field === 'imapBody' || field === 'imapBodystructure') return bufOrNull(v);
  return strOrNull(v);
}

/** Maps a row selected with `fields` (SQL names) to the record subset. */
export function toMessagePartial<F extends keyof MessageRecord>(
  r: Record<string, unknown>,
  fields: readonly F[],
): Pick<MessageRecord, F> {
  const out: Partial<Record<keyof MessageRecord, unknown>> = {};
  for (const f of fields) out[f] = convert(f, r[MESSAGE_COLUMNS[f]]);
  return out as Pick<MessageRecord, F>;
}

export function toMessage(r: Record<string, unknown>): MessageRecord {
  return toMessagePartial(r, ALL_MESSAGE_FIELDS);
}

export function sqlColumns(fields: readonly (keyof MessageRecord)[]): string[] {
  return fields.map((f) => MESSAGE_COLUMNS[f]);
}

export type { MessageColumn };

/** RFC 5256 base subject, lower-cased, for SORT SUBJECT. */
export function baseSubject(subject: string | null | undefined): string {
  let s = (subject ?? '').replace(/\s+/g, ' ').trim();
  for (;;) {
    const before = s;
    s = s.replace(/(\s*\(fwd\))+$/i, '').trim();
    s = s.replace(/^((re|fwd?)\s*(\[[^\]]*\])?\s*:\s*)+/i, '');
    s = s.replace(/^\[[^\]]*\]\s*(?=.)/, '');
    const fwd = /^\[fwd:\s*(.*)\]$/i.exec(s);
    if (fwd) s = fwd[1] ?? '';
    s = s.trim();
    if (s === before) break;
  }
  return truncateChars(s.toLowerCase(), 255);
}

export function truncateChars(s: string, max: number): string {
  if (s.length <= max) return s;
  return Array.from(s).slice(0, max).join('');
}
