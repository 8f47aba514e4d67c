import type { Ctx } from './context.js';
import { notFound } from './db-errors.js';
import { num, numOrNull, unique } from './rows.js';

export interface LockedStore {
  id: number;
  /** The modseq this operation writes (highest_modseq after the bump). */
  modseq: number;
  size: number;
  type: 'private' | 'public';
  userId: number | null;
}

/**
 * Serializes writers of a store: bumps `highest_modseq` (row lock held until commit), in ascending
 * id order so that multi-store operations cannot deadlock each other. Every change an operation
 * makes carries the returned modseq; uids are allocated under the same lock.
 */
export async function lockStores(
  ctx: Ctx,
  storeIds: Iterable<number>,
  opts: { allowMissing?: boolean } = {},
): Promise<Map<number, LockedStore>> {
  if (!ctx.inTx) throw new Error('lockStores needs a transaction');
  const ids = unique(storeIds).sort((a, b) => a - b);
  const out = new Map<number, LockedStore>();
  if (ids.length === 0) return out;
  await ctx
    .db('stores')
    .whereIn('id', ids)
    .update({ highest_modseq: ctx.db.raw('highest_modseq + 1') });
  const rows = (await ctx
    .db('stores')
    .select('id', 'highest_modseq', 'size', 'type', 'user_id')
    .whereIn('id', ids)
    .forUpdate()) as Array<Record<string, unknown>>;
  for (const r of rows) {
    out.set(num(r.id), {
      id: num(r.id),
      modseq: num(r.highest_modseq),
      size: num(r.size),
      type: r.type === 'public' ? 'public' : 'private',
      userId: numOrNull(r.user_id),
    });
  }
  const missing = ids.find((id) => !out.has(id));
  if (missing !== undefined && !opts.allowMissing) throw notFound('store', missing);
  return out;
}

/** Adds a (possibly negative) delta to stores.size. */
export async function addStoreSize(ctx: Ctx, storeId: number, delta: number): Promise<void> {
  if (delta === 0) return;
  await ctx
    .db('stores')
    .where('id', storeId)
    .update({ size: ctx.db.raw('size + ?', [delta]) });
}
