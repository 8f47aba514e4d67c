import type { Ctx } from './context.js';
import { type NewJournalEntry, writeJournal } from './journal.js';
import { REMOVABLE_COLUMNS, removeMessageRows, toRemovable } from './message-remove.js';
import type { DeleteResult } from './message-types.js';
import { storesOfMessages } from './messages-set-flags.js';
import { chunks } from './rows.js';
import { addStoreSize, lockStores } from './store-lock.js';

/** Expunges messages: rows, properties and blob references; counters, sizes and journal updated. */
export async function deleteMessages(ctx: Ctx, ids: readonly number[]): Promise<DeleteResult> {
  const unique = [...new Set(ids)];
  const locked = await lockStores(ctx, await storesOfMessages(ctx, unique));
  const rows = [];
  for (const part of chunks(unique)) {
    const r = (await ctx.db('messages').select(REMOVABLE_COLUMNS).whereIn('id', part)) as Array<
      Record<string, unknown>
    >;
    rows.push(...r.map(toRemovable).filter((m) => locked.has(m.storeId)));
  }
  rows.sort((a, b) => a.folderId - b.folderId || a.uid - b.uid);
  const { deltas, sizeByStore } = await removeMessageRows(ctx, rows);
  const journal: NewJournalEntry[] = [];
  for (const r of rows) {
    const modseq = locked.get(r.storeId)?.modseq ?? 0;
    deltas.add(r.folderId, { modseq });
    journal.push({
      storeId: r.storeId,
      modseq,
      folderId: r.folderId,
      messageId: r.id,
      uid: r.uid,
      kind: 'message-expunge',
    });
  }
  await deltas.apply(ctx);
  for (const [storeId, bytes] of sizeByStore) await addStoreSize(ctx, storeId, -bytes);
  await writeJournal(ctx, journal);
  const found = new Set(rows.map((r) => r.id));
  return {
    deleted: rows.map((r) => ({ id: r.id, folderId: r.folderId, uid: r.uid })),
    notFound: unique.filter((id) => !found.has(id)),
    changes: [...sizeByStore.keys()].map((storeId) => ({ storeId, modseq: locked.get(storeId)?.modseq ?? 0 })),
  };
}
