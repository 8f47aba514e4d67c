import type { Knex } from 'knex';
import type { Ctx } from './context.js';
import { invalid } from './db-errors.js';
import { ALL_FLAGS, normalizeKeywords } from './message-flags.js';
import { MESSAGE_COLUMNS, toMessagePartial } from './message-rows.js';
import type { MessageColumn, MessageRecord } from './message-types.js';
import { chunks, num } from './rows.js';

/** `to` omitted: no upper bound (IMAP `n:*` once the caller resolved `*`). */
export interface UidRange {
  from: number;
  to?: number;
}

export type HeaderField = 'subject' | 'from' | 'to' | 'cc' | 'messageId' | 'inReplyTo';

/** Restrictions compile to one WHERE clause (IMAP SEARCH, MAPI table restrictions). */
export type Restriction =
  | { type: 'and'; items: Restriction[] }
  | { type: 'or'; items: Restriction[] }
  | { type: 'not'; item: Restriction }
  | { type: 'uid'; ranges: UidRange[] }
  | { type: 'id'; ids: number[] }
  /** All of `set` present and all of `unset` absent (MessageFlag bitmasks). */
  | { type: 'flags'; set?: number; unset?: number }
  | { type: 'keyword'; keyword: string; present?: boolean }
  /** Epoch ms; `since` inclusive, `before` exclusive. */
  | { type: 'internalDate'; since?: number; before?: number }
  | { type: 'date'; since?: number; before?: number }
  /** Bytes; strict comparisons as IMAP LARGER / SMALLER. */
  | { type: 'size'; larger?: number; smaller?: number }
  /** Case-insensitive substring (ASCII case folding on SQLite). */
  | { type: 'header'; field: HeaderField; contains: string }
  | { type: 'modseq'; min: number }
  | { type: 'messageClass'; prefix: string };

export type SortField = 'uid' | 'date' | 'arrival' | 'size' | 'subject' | 'from' | 'modseq';

export interface SortKey {
  field: SortField;
  desc?: boolean;
}

export interface ContentsQuery<C extends MessageColumn = MessageColumn> {
  folderId: number;
  /** Columns besides id and uid (always returned). Default: none. */
  columns?: readonly C[];
  where?: Restriction;
  /** Default uid ascending; uid is always the final tie-breaker. */
  sort?: readonly SortKey[];
  offset?: number;
  limit?: number;
}

export type ContentsRow<C extends MessageColumn> = Pick<MessageRecord, C | 'id' | 'uid'>;

const HEADER_COLUMNS: Record<HeaderField, string[]> = {
  subject: ['subject'],
  from: ['from_address', 'from_name'],
  to: ['to_addrs'],
  cc: ['cc_addrs'],
  messageId: ['message_id'],
  inReplyTo: ['in_reply_to'],
};

function likeEscape(s: string): string {
  return s.replace(/[!%_]/g, (c) => `!${c}`);
}

function int(v: number, what: string): number {
  if (!Number.isSafeInteger(v)) throw invalid(`${what}: not an integer`);
  return v;
}

function applyRestriction(qb: Knex.QueryBuilder, r: Restriction): void {
  switch (r.type) {
    case 'and':
      for (const item of r.items) qb.where((sub) => applyRestriction(sub, item));
      return;
    case 'or':
      if (r.items.length === 0) {
        qb.whereRaw('1 = 0');
        return;
      }
      qb.where((sub) => {
        for (const item of r.items) sub.orWhere((inner) => applyRestriction(inner, item));
      });
      return;
    case 'not':
      qb.whereNot((sub) => applyRestriction(sub, r.item));
      return;
    case 'uid': {
      const singles = r.ranges.filter((x) => x.to === x.from).map((x) => int(x.from, 'uid'));
      const spans = r.ranges.filter((x) => x.to !== x.from);
      qb.where((sub) => {
        if (singles.length === 0 && spans.length === 0) sub.whereRaw('1 = 0');
        for (const part of chunks(singles, 1000)) sub.orWhereIn('uid', part);
        for (const s of spans) {
          const lo = Math.min(s.from, s.to ?? s.from);
          const hi = s.to === undefined ? undefined : Math.max(s.from, s.to);
          sub.orWhere((w) => {
            w.where('uid', '>=', int(lo, 'uid'));
            if (hi !== undefined) w.andWhere('uid', '<=', int(hi, 'uid'));
          });
        }
      });
      return;
    }
    case 'id':
      if (r.ids.length === 0) qb.whereRaw('1 = 0');
      else
        qb.where((sub) => {
          for (const part of chunks(r.ids, 1000)) sub.orWhereIn('id', part);
        });
      return;
    case 'flags': {
      const set = r.set ?? 0;
      const unset = r.unset ?? 0;
      if ((set | unset) & ~ALL_FLAGS) throw invalid('invalid flags bitmask');
      if (set) qb.whereRaw('(flags & ?) = ?', [set, set]);
      if (unset) qb.whereRaw('(flags & ?) = 0', [unset]);
      return;
    }
    case 'keyword': {
      const [kw] = normalizeKeywords([r.keyword]);
      const pattern = `% ${likeEscape(kw ?? '')} %`;
      if (r.present === false) qb.whereRaw("keywords NOT LIKE ? ESCAPE '!'", [pattern]);
      else qb.whereRaw("keywords LIKE ? ESCAPE '!'", [pattern]);
      return;
    }
    case 'internalDate':
    case 'date': {
      const col = r.type === 'date' ? 'date_header' : 'internal_date';
      if (r.since !== undefined) qb.where(col, '>=', int(r.since, 'date'));
      if (r.before !== undefined) qb.where(col, '<', int(r.before, 'date'));
      return;
    }
    case 'size':
      if (r.larger !== undefined) qb.where('size', '>', int(r.larger, 'size'));
      if (r.smaller !== undefined) qb.where('size', '<', int(r.smaller, 'size'));
      return;
    case 'header': {
      const cols = HEADER_COLUMNS[r.field];
      if (!cols) throw invalid(`unknown header field: ${String(r.field)}`);
      const pattern = `%${likeEscape(r.contains)}%`;
      qb.where((sub) => {
        for (const col of cols) sub.orWhereRaw(`?? LIKE ? ESCAPE '!'`, [col, pattern]);
      });
      return;
    }
    case 'modseq':
      qb.where('modseq', '>=', int(r.min, 'modseq'));
      return;
    case 'messageClass':
      qb.whereRaw("message_class LIKE ? ESCAPE '!'", [`${likeEscape(r.prefix)}%`]);
      return;
    default:
      throw invalid('unknown restriction');
  }
}

function applySort(qb: Knex.QueryBuilder, sort: readonly SortKey[]): void {
  let last: SortKey | undefined;
  for (const key of sort) {
    const dir = key.desc ? 'desc' : 'asc';
    switch (key.field) {
      case 'uid':
        qb.orderBy('uid', dir);
        break;
      case 'date':
        qb.orderByRaw(`COALESCE(date_header, internal_date) ${dir}`);
        break;
      case 'arrival':
        qb.orderBy('internal_date', dir);
        break;
      case 'size':
        qb.orderBy('size', dir);
        break;
      case 'subject':
        qb.orderBy('subject_sort', dir);
        break;
      case 'from':
        qb.orderBy('from_sort', dir);
        break;
      case 'modseq':
        qb.orderBy('modseq', dir);
        break;
      default:
        throw invalid('unknown sort field');
    }
    last = key;
  }
  if (last?.field !== 'uid') qb.orderBy('uid', 'asc');
}

function baseQuery(ctx: Ctx, q: ContentsQuery<MessageColumn>): Knex.QueryBuilder {
  const qb = ctx.db('messages').where('folder_id', q.folderId);
  if (q.where) {
    const where = q.where;
    qb.andWhere((sub) => applyRestriction(sub, where));
  }
  return qb;
}

/** One query for a page (or all) of a folder's contents table. */
export async function queryContents<C extends MessageColumn>(
  ctx: Ctx,
  q: ContentsQuery<C>,
): Promise<Array<ContentsRow<C>>> {
  const fields = ['id', 'uid', ...(q.columns ?? [])] as Array<C | 'id' | 'uid'>;
  const unique = [...new Set(fields)];
  const qb = baseQuery(ctx, q).select(unique.map((f) => MESSAGE_COLUMNS[f]));
  applySort(qb, q.sort ?? [{ field: 'uid' }]);
  if (q.limit !== undefined) qb.limit(int(q.limit, 'limit'));
  if (q.offset) {
    if (q.limit === undefined) qb.limit(Number.MAX_SAFE_INTEGER);
    qb.offset(int(q.offset, 'offset'));
  }
  const rows = (await qb) as Array<Record<string, unknown>>;
  return rows.map((r) => toMessagePartial(r, unique));
}

/** Row count for the same folder + restriction (MAPI GetRowCount, IMAP SEARCH counts). */
export async function countContents(ctx: Ctx, q: Pick<ContentsQuery, 'folderId' | 'where'>): Promise<number> {
  const r = (await baseQuery(ctx, q).count({ n: '*' }).first()) as Record<string, unknown> | undefined;
  return num(r?.n);
}
