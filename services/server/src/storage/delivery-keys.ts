import type { Ctx } from './context.js';
import { chunks, num, strOrNull } from './rows.js';

/** A message stored earlier under a delivery key, as createMessages reports it. */
export interface DeliveredMessage {
  id: number;
  storeId: number;
  folderId: number;
  uid: number;
  modseq: number;
  blobHash: string | null;
}

export const MAX_DELIVERY_KEY = 64;

const keyOf = (storeId: number, key: string) => `${storeId}:${key}`;

/** The messages already created with these keys in these stores; map key `storeId:deliveryKey`. */
export async function findDelivered(
  ctx: Ctx,
  wanted: ReadonlyArray<{ storeId: number; key: string }>,
): Promise<Map<string, DeliveredMessage>> {
  const out = new Map<string, DeliveredMessage>();
  const stores = new Set(wanted.map((w) => w.storeId));
  for (const part of chunks([...new Set(wanted.map((w) => w.key))])) {
    const rows = (await ctx
      .db('delivery_keys as dk')
      .join('messages as m', 'm.id', 'dk.message_id')
      .select('dk.delivery_key', 'm.id', 'm.store_id', 'm.folder_id', 'm.uid', 'm.modseq', 'm.blob_hash')
      .whereIn('dk.delivery_key', part)) as Array<Record<string, unknown>>;
    for (const r of rows) {
      const storeId = num(r.store_id);
      if (!stores.has(storeId)) continue;
      out.set(keyOf(storeId, String(r.delivery_key)), {
        id: num(r.id),
        storeId,
        folderId: num(r.folder_id),
        uid: num(r.uid),
        modseq: num(r.modseq),
        blobHash: strOrNull(r.blob_hash),
      });
    }
  }
  return out;
}

export async function recordDeliveryKeys(
  ctx: Ctx,
  rows: ReadonlyArray<{ storeId: number; key: string; messageId: number }>,
): Promise<void> {
  const now = ctx.env.now();
  for (const part of chunks(rows, 100)) {
    await ctx
      .db('delivery_keys')
      .insert(
        part.map((r) => ({ delivery_key: r.key, store_id: r.storeId, message_id: r.messageId, created_at: now })),
      );
  }
}

export { keyOf as deliveryKeyOf };
