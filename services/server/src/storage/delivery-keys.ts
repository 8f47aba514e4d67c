import type { Ctx } from './context.js';
import { chunks, num, strOrNull } from './rows.js';
import { insertRows, type SqlExpr, type Statement } from './statement-batch.js';

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

/** Queries for the messages already created with these keys (read them with readDelivered). */
export function deliveredQueries(ctx: Ctx, keys: readonly string[]): Statement[] {
  return chunks([...new Set(keys)]).map((part) =>
    ctx
      .db('delivery_keys as dk')
      .join('messages as m', 'm.id', 'dk.message_id')
      .select('dk.delivery_key', 'm.id', 'm.store_id', 'm.folder_id', 'm.uid', 'm.modseq', 'm.blob_hash')
      .whereIn('dk.delivery_key', part),
  );
}

/** The rows of deliveredQueries for the wanted stores; map key `storeId:deliveryKey`. */
export function readDelivered(
  results: readonly unknown[][],
  wanted: ReadonlyArray<{ storeId: number; key: string }>,
): Map<string, DeliveredMessage> {
  const out = new Map<string, DeliveredMessage>();
  const stores = new Set(wanted.map((w) => w.storeId));
  for (const rows of results) {
    for (const r of rows as Array<Record<string, unknown>>) {
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

/** Records the keys of new messages, each found by its folder and uid (ids are not known yet). */
export function deliveryKeyStatements(
  ctx: Ctx,
  rows: ReadonlyArray<{ storeId: number; key: string; folderId: number; uid: number }>,
): Statement[] {
  const now = ctx.env.now();
  return rows.map((r) => ({
    sql:
      'insert into delivery_keys (delivery_key, store_id, message_id, created_at) ' +
      'select ?, ?, id, ? from messages where folder_id = ? and uid = ?',
    bindings: [r.key, r.storeId, now, r.folderId, r.uid],
  }));
}

/** The same rows when the trip knows the new messages' ids as expressions (new-message-ids.ts). */
export function deliveryKeyValues(
  ctx: Ctx,
  rows: ReadonlyArray<{ storeId: number; key: string; id: SqlExpr }>,
): Statement[] {
  const now = ctx.env.now();
  return chunks(rows, 500).map((part) =>
    insertRows(
      'delivery_keys',
      part.map((r) => ({ delivery_key: r.key, store_id: r.storeId, message_id: r.id, created_at: now })),
    ),
  );
}

export { keyOf as deliveryKeyOf };
