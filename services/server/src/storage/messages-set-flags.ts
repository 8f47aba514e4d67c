import type { Ctx } from './context.js';
import { invalid } from './db-errors.js';
import { FolderDeltas } from './folder-rows.js';
import { journalStatements, type NewJournalEntry } from './journal.js';
import { assertFlags, decodeKeywords, encodeKeywords, MessageFlag, normalizeKeywords } from './message-flags.js';
import type { FlagChange, FlagState, SetFlagsOptions, SetFlagsResult } from './message-types.js';
import { chunks, num } from './rows.js';
import { runStatements } from './statement-batch.js';
import { lockStores } from './store-lock.js';

/** Distinct store ids of messages (one query per chunk). */
export async function storesOfMessages(ctx: Ctx, ids: readonly number[]): Promise<number[]> {
  const out = new Set<number>();
  const results = await runStatements(
    ctx,
    chunks(ids).map((part) => ctx.db('messages').distinct('store_id').whereIn('id', part)),
  );
  for (const rows of results) for (const r of rows as Array<Record<string, unknown>>) out.add(num(r.store_id));
  return [...out];
}

/** The system flags a message has after `change`. */
export function applyFlags(flags: number, change: FlagChange): number {
  return change.replace ?? (flags | (change.add ?? 0)) & ~(change.remove ?? 0);
}

/** How a message's change moves its folder's unseen count (-1, 0 or +1). */
export function unseenDelta(before: number, after: number): number {
  const was = (before & MessageFlag.Seen) !== 0;
  const is = (after & MessageFlag.Seen) !== 0;
  return was === is ? 0 : is ? -1 : 1;
}

export function applyKeywords(current: string[], change: FlagChange): string[] {
  if (change.replaceKeywords) return normalizeKeywords(change.replaceKeywords);
  const remove = new Set((change.removeKeywords ?? []).map((k) => k.toLowerCase()));
  const kept = current.filter((k) => !remove.has(k.toLowerCase()));
  return normalizeKeywords([...kept, ...(change.addKeywords ?? [])]);
}

/** Throws on an invalid change; true when it touches keywords. */
export function checkFlagChange(change: FlagChange): boolean {
  for (const f of [change.add, change.remove, change.replace]) if (f !== undefined) assertFlags(f);
  if (change.replace !== undefined && (change.add !== undefined || change.remove !== undefined)) {
    throw invalid('replace excludes add/remove');
  }
  for (const list of [change.addKeywords, change.removeKeywords, change.replaceKeywords])
    if (list) normalizeKeywords(list);
  return Boolean(change.addKeywords?.length || change.removeKeywords?.length || change.replaceKeywords);
}

/**
 * Sets/clears system flags and keywords on many messages: one locked read per chunk, one UPDATE per
 * distinct resulting (flags, keywords) pair, counters and journal in the same transaction.
 */
export async function setFlags(
  ctx: Ctx,
  ids: readonly number[],
  change: FlagChange,
  opts: SetFlagsOptions = {},
): Promise<SetFlagsResult> {
  const keywordOp = checkFlagChange(change);
  const unique = [...new Set(ids)];
  const locked = await lockStores(ctx, await storesOfMessages(ctx, unique));

  const found = new Set<number>();
  const modified: number[] = [];
  const messages: FlagState[] = [];
  const groups = new Map<string, { flags: number; keywords: string; modseq: number; ids: number[] }>();
  const deltas = new FolderDeltas();
  const journal: NewJournalEntry[] = [];
  const changedStores = new Set<number>();
  // Every chunk's rows in one round trip (MySQL), read under the store locks.
  const read = await runStatements(
    ctx,
    chunks(unique).map((part) =>
      ctx
        .db('messages')
        .select('id', 'store_id', 'folder_id', 'uid', 'flags', 'keywords', 'modseq')
        .whereIn('id', part)
        .orderBy('id'),
    ),
  );
  for (const rows of read) {
    for (const r of rows as Array<Record<string, unknown>>) {
      const id = num(r.id);
      const storeId = num(r.store_id);
      const store = locked.get(storeId);
      if (!store) continue;
      found.add(id);
      const modseq = num(r.modseq);
      if (opts.unchangedSince !== undefined && modseq > opts.unchangedSince) {
        modified.push(id);
        continue;
      }
      const flags = num(r.flags);
      const keywords = decodeKeywords(r.keywords);
      const newFlags = applyFlags(flags, change);
      const newKeywords = keywordOp ? applyKeywords(keywords, change) : keywords;
      const encoded = encodeKeywords(newKeywords);
      const changed = newFlags !== flags || encoded !== encodeKeywords(keywords);
      const folderId = num(r.folder_id);
      const uid = num(r.uid);
      messages.push({
        id,
        folderId,
        uid,
        flags: newFlags,
        keywords: newKeywords,
        modseq: changed ? store.modseq : modseq,
        changed,
      });
      if (!changed) continue;
      changedStores.add(storeId);
      // One UPDATE per distinct result; stores have their own modseq, so they group apart.
      const key = `${store.modseq}|${newFlags}|${encoded}`;
      const g = groups.get(key) ?? { flags: newFlags, keywords: encoded, modseq: store.modseq, ids: [] };
      g.ids.push(id);
      groups.set(key, g);
      deltas.add(folderId, { unseen: unseenDelta(flags, newFlags), modseq: store.modseq });
      journal.push({ storeId, modseq: store.modseq, folderId, messageId: id, uid, kind: 'message-flags' });
    }
  }
  // Every write in one round trip (MySQL): the updates, the folder counters, the journal.
  await runStatements(ctx, [
    ...[...groups.values()].flatMap((g) =>
      chunks(g.ids).map((part) =>
        ctx
          .db('messages')
          .whereIn('id', part)
          .update({ flags: g.flags, ...(keywordOp ? { keywords: g.keywords } : {}), modseq: g.modseq }),
      ),
    ),
    ...deltas.statements(ctx),
    ...journalStatements(ctx, journal),
  ]);
  return {
    messages,
    modified,
    notFound: unique.filter((id) => !found.has(id)),
    changes: [...changedStores].map((id) => ({ storeId: id, modseq: locked.get(id)?.modseq ?? 0 })),
  };
}
