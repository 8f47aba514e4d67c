import { type Input, KcError, type Output } from '@kgc/soap';
import { joinFlags, splitFlags } from '../flags.js';
import { MAX_TABLE_ROWS } from '../limits.js';
import type { HeaderField, Restriction, SortField } from '../storage/contents-query.js';
import type { MessageColumn, MessageRecord } from '../storage/message-types.js';
import { accessFolder, principal } from './common.js';
import type { Op } from './op.js';

type Row = Output<'tableQueryRows'>['rows'][number];
type RowField = Exclude<keyof Row, 'messageId' | 'uid'>;

/** SOAP column -> the storage columns it needs. */
const COLUMNS: Record<RowField, MessageColumn[]> = {
  folderId: ['folderId'],
  modseq: ['modseq'],
  flags: ['flags', 'keywords'],
  internalDate: ['internalDate'],
  size: ['size'],
  messageClass: ['messageClass'],
  subject: ['subject'],
  fromAddr: ['fromAddress'],
  fromName: ['fromName'],
  toAddrs: ['to'],
  ccAddrs: ['cc'],
  date: ['date'],
  messageIdHeader: ['messageId'],
  inReplyTo: ['inReplyTo'],
  hasAttachments: ['hasAttachments'],
  imapEnvelope: ['imapEnvelope'],
  imapBody: ['imapBody'],
  imapBodystructure: ['imapBodystructure'],
  searchSubjects: ['searchSubjects'],
};

const SORT: Record<string, SortField> = {
  uid: 'uid',
  internalDate: 'arrival',
  date: 'date',
  size: 'size',
  subject: 'subject',
  from: 'from',
  modseq: 'modseq',
};

const HEADERS: Record<string, HeaderField> = {
  subject: 'subject',
  from: 'from',
  to: 'to',
  cc: 'cc',
  'message-id': 'messageId',
  'in-reply-to': 'inReplyTo',
};

function restriction(r: NonNullable<Input<'tableQueryRows'>['restriction']>): Restriction {
  const items: Restriction[] = [];
  if (r.uidRanges.length > 0) items.push({ type: 'uid', ranges: r.uidRanges.map((x) => ({ from: x.from, to: x.to })) });
  const set = splitFlags(r.flagsSet);
  const unset = splitFlags(r.flagsUnset);
  if (set.mask || unset.mask) items.push({ type: 'flags', set: set.mask, unset: unset.mask });
  for (const k of set.keywords) items.push({ type: 'keyword', keyword: k, present: true });
  for (const k of unset.keywords) items.push({ type: 'keyword', keyword: k, present: false });
  if (r.since || r.before) {
    items.push({
      type: 'internalDate',
      ...(r.since ? { since: r.since.getTime() } : {}),
      ...(r.before ? { before: r.before.getTime() } : {}),
    });
  }
  if (r.larger !== undefined || r.smaller !== undefined) {
    items.push({
      type: 'size',
      ...(r.larger !== undefined ? { larger: r.larger } : {}),
      ...(r.smaller !== undefined ? { smaller: r.smaller } : {}),
    });
  }
  if (r.modseqSince !== undefined) items.push({ type: 'modseq', min: r.modseqSince });
  for (const h of r.headers) {
    const field = HEADERS[h.field.toLowerCase()];
    if (!field) throw new KcError('KCERR_INVALID_PARAMETER', `cannot restrict on header ${h.field}`);
    items.push({ type: 'header', field, contains: h.value });
  }
  return { type: 'and', items };
}

function rowOut(m: Partial<MessageRecord> & Pick<MessageRecord, 'id' | 'uid'>, wanted: ReadonlySet<RowField>): Row {
  const row: Row = { messageId: m.id, uid: m.uid, flags: [] };
  const has = (f: RowField) => wanted.has(f);
  if (has('folderId')) row.folderId = m.folderId;
  if (has('modseq')) row.modseq = m.modseq;
  if (has('flags')) row.flags = joinFlags(m.flags ?? 0, m.keywords ?? []);
  if (has('internalDate') && m.internalDate !== undefined) row.internalDate = new Date(m.internalDate);
  if (has('size')) row.size = m.size;
  if (has('messageClass')) row.messageClass = m.messageClass;
  if (has('subject')) row.subject = m.subject ?? undefined;
  if (has('fromAddr')) row.fromAddr = m.fromAddress ?? undefined;
  if (has('fromName')) row.fromName = m.fromName ?? undefined;
  if (has('toAddrs')) row.toAddrs = m.to ?? undefined;
  if (has('ccAddrs')) row.ccAddrs = m.cc ?? undefined;
  if (has('date') && m.date !== null && m.date !== undefined) row.date = new Date(m.date);
  if (has('messageIdHeader')) row.messageIdHeader = m.messageId ?? undefined;
  if (has('inReplyTo')) row.inReplyTo = m.inReplyTo ?? undefined;
  if (has('hasAttachments')) row.hasAttachments = m.hasAttachments;
  if (has('imapEnvelope')) row.imapEnvelope = m.imapEnvelope ?? undefined;
  if (has('imapBody')) row.imapBody = m.imapBody ?? undefined;
  if (has('imapBodystructure')) row.imapBodystructure = m.imapBodystructure ?? undefined;
  if (has('searchSubjects')) row.searchSubjects = m.searchSubjects ?? undefined;
  return row;
}

export const tableQueryRows: Op<'tableQueryRows'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  await accessFolder(ctx, p, input.folderId);
  const wanted = new Set<RowField>();
  for (const c of input.columns) {
    if (c === 'messageId' || c === 'uid') continue;
    if (!(c in COLUMNS)) throw new KcError('KCERR_INVALID_PARAMETER', `unknown column ${c}`);
    wanted.add(c as RowField);
  }
  const sort = input.sort.map((s) => {
    const field = SORT[s.column];
    if (!field) throw new KcError('KCERR_INVALID_PARAMETER', `cannot sort on ${s.column}`);
    return { field, desc: s.descending };
  });
  const limit = input.limit ?? MAX_TABLE_ROWS;
  if (limit < 0 || limit > MAX_TABLE_ROWS)
    throw new KcError('KCERR_INVALID_PARAMETER', `limit must be 0..${MAX_TABLE_ROWS}`);
  if ((input.offset ?? 0) < 0) throw new KcError('KCERR_INVALID_PARAMETER', 'offset must be >= 0');
  const where = input.restriction ? restriction(input.restriction) : undefined;
  const columns = [...new Set([...wanted].flatMap((w) => COLUMNS[w]))];
  const [rows, total] = await Promise.all([
    ctx.storage.messages.queryContents({
      folderId: input.folderId,
      columns,
      ...(where ? { where } : {}),
      sort,
      limit,
      ...(input.offset ? { offset: input.offset } : {}),
    }),
    ctx.storage.messages.countContents({ folderId: input.folderId, ...(where ? { where } : {}) }),
  ]);
  return {
    rows: rows.map((r) => rowOut(r as Partial<MessageRecord> & Pick<MessageRecord, 'id' | 'uid'>, wanted)),
    total,
  };
};
