import type { Knex } from 'knex';
import type { Ctx } from './context.js';
import { notFound } from './db-errors.js';
import { chunks, num, numOrNull } from './rows.js';
import { insertRows, runStatements, type SqlExpr, type Statement } from './statement-batch.js';

/** Announce `kgc.store.<storeId>.changed` with this after the transaction committed. */
export interface StoreChange {
  storeId: number;
  modseq: number;
}

export type JournalKind =
  | 'message-new'
  | 'message-flags'
  /** Properties of a message changed (not in the original brief: needed for CalDAV/ICS updates). */
  | 'message-change'
  | 'message-expunge'
  | 'folder-new'
  | 'folder-change'
  | 'folder-delete';

export interface JournalEntry {
  id: number;
  storeId: number;
  modseq: number;
  folderId: number;
  messageId: number | null;
  uid: number | null;
  /**
   * `message-flags` of a run of messages: the flags of the messages of the folder with uids from
   * `uid` to `uidLast` whose modseq is this entry's changed (messageId is null then).
   */
  uidLast: number | null;
  kind: JournalKind;
  createdAt: number;
}

export type NewJournalEntry = Omit<JournalEntry, 'id' | 'createdAt' | 'uidLast'> & { uidLast?: number | null };

export async function writeJournal(ctx: Ctx, entries: readonly NewJournalEntry[]): Promise<void> {
  for (const s of journalStatements(ctx, entries)) await s;
}

/** The journal INSERTs of `entries`, 500 rows each, for a statement batch. */
export function journalStatements(ctx: Ctx, entries: readonly NewJournalEntry[]): Knex.QueryBuilder[] {
  const now = ctx.env.now();
  return chunks(entries, 500).map((part) =>
    ctx.db('journal').insert(
      part.map((e) => ({
        store_id: e.storeId,
        modseq: e.modseq,
        folder_id: e.folderId,
        message_id: e.messageId,
        uid: e.uid,
        uid_last: e.uidLast ?? null,
        kind: e.kind,
        created_at: now,
      })),
    ),
  );
}

/**
 * `message-new` entries for new messages whose ids the same trip knows as expressions
 * (new-message-ids.ts): plain VALUES, 500 rows each, in the order given.
 */
export function newMessagesJournalValues(
  ctx: Ctx,
  entries: ReadonlyArray<{ storeId: number; modseq: number; folderId: number; uid: number; id: SqlExpr }>,
): Statement[] {
  const now = ctx.env.now();
  return chunks(entries, 500).map((part) =>
    insertRows(
      'journal',
      part.map((e) => ({
        store_id: e.storeId,
        modseq: e.modseq,
        folder_id: e.folderId,
        message_id: e.id,
        uid: e.uid,
        kind: 'message-new',
        created_at: now,
      })),
    ),
  );
}

/**
 * `message-new` entries for the messages created in a folder with uids in [fromUid, toUid), found
 * by folder and uid (their ids are not known yet), in uid order.
 */
export function newMessagesJournalStatement(ctx: Ctx, folderId: number, fromUid: number, toUid: number): Statement {
  return {
    sql:
      'insert into journal (store_id, modseq, folder_id, message_id, uid, kind, created_at) ' +
      "select store_id, modseq, folder_id, id, uid, 'message-new', ? from messages " +
      'where folder_id = ? and uid >= ? and uid < ? order by uid',
    bindings: [ctx.env.now(), folderId, fromUid, toUid],
  };
}

export interface GetChangesOptions {
  /** Only entries of this folder. */
  folderId?: number;
  /** Soft cap on entries; never splits one modseq (a whole operation) across pages. */
  limit?: number;
}

export interface ChangesResult {
  /** Ordered by (modseq, id). */
  entries: JournalEntry[];
  /** Committed highest modseq of the store when the call started. */
  highestModseq: number;
  /** Pass as `sinceModseq` next time. */
  nextSince: number;
  /** More entries are waiting (limit reached). */
  more: boolean;
  /** `sinceModseq` is below the pruned part of the journal: the caller must resync from scratch. */
  truncated: boolean;
}

function toEntry(r: Record<string, unknown>): JournalEntry {
  return {
    id: num(r.id),
    storeId: num(r.store_id),
    modseq: num(r.modseq),
    folderId: num(r.folder_id),
    messageId: numOrNull(r.message_id),
    uid: numOrNull(r.uid),
    uidLast: numOrNull(r.uid_last),
    kind: String(r.kind) as JournalKind,
    createdAt: num(r.created_at),
  };
}

export async function getChanges(
  ctx: Ctx,
  storeId: number,
  sinceModseq: number,
  opts: GetChangesOptions = {},
): Promise<ChangesResult> {
  const base = () => {
    const q = ctx.db('journal').select('*').where('store_id', storeId);
    if (opts.folderId !== undefined) q.andWhere('folder_id', opts.folderId);
    return q;
  };
  const limit = opts.limit;
  const q = base()
    .andWhere('modseq', '>', sinceModseq)
    .orderBy([{ column: 'modseq' }, { column: 'id' }]);
  if (limit !== undefined) q.limit(limit + 1);
  // The store's counter, then the entries, in this order and in one round trip: every change up
  // to the counter read is committed (a store's writers hold its row until they commit), so the
  // entries read after it hold them all.
  const [stores, rows] = await runStatements(ctx, [
    ctx.db('stores').select('highest_modseq', 'journal_floor_modseq').where('id', storeId).limit(1),
    q,
  ]);
  const store = stores?.[0] as Record<string, unknown> | undefined;
  if (!store) throw notFound('store', storeId);
  const highestModseq = num(store.highest_modseq);
  const truncated = sinceModseq < num(store.journal_floor_modseq);
  let entries = ((rows ?? []) as Array<Record<string, unknown>>).map(toEntry);
  let more = false;
  if (limit !== undefined && entries.length > limit) {
    more = true;
    const cut = entries[limit - 1]?.modseq ?? entries[0]?.modseq ?? 0;
    const kept = entries.slice(0, limit).filter((e) => e.modseq !== cut || entries[limit]?.modseq !== cut);
    if (kept.length > 0) {
      entries = kept;
    } else {
      // One operation larger than the limit: return it whole.
      const first = entries[0]?.modseq ?? 0;
      entries = ((await base().andWhere('modseq', first).orderBy('id')) as Array<Record<string, unknown>>).map(toEntry);
    }
  }
  const last = entries.at(-1)?.modseq ?? sinceModseq;
  const nextSince = more ? last : Math.max(last, highestModseq, sinceModseq);
  return { entries, highestModseq, nextSince, more, truncated };
}

/** Drops journal entries older than `before` (ms); stores remember the floor so old cursors report `truncated`. */
export async function pruneJournal(ctx: Ctx, before: number): Promise<number> {
  const floors = (await ctx
    .db('journal')
    .select('store_id')
    .max({ m: 'modseq' })
    .where('created_at', '<', before)
    .groupBy('store_id')) as Array<Record<string, unknown>>;
  let removed = 0;
  for (const f of floors) {
    const storeId = num(f.store_id);
    const floor = num(f.m);
    await ctx
      .db('stores')
      .where('id', storeId)
      .andWhere('journal_floor_modseq', '<', floor)
      .update({ journal_floor_modseq: floor });
    removed += num(await ctx.db('journal').where('store_id', storeId).andWhere('modseq', '<=', floor).delete());
  }
  return removed;
}
