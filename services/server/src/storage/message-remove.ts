import { countHashes, releaseBlobRefs } from './blobs.js';
import type { Ctx } from './context.js';
import { FolderDeltas } from './folder-rows.js';
import { MessageFlag } from './message-flags.js';
import { chunks, num, strOrNull } from './rows.js';

/** The columns a removal needs. */
export interface RemovableRow {
  id: number;
  storeId: number;
  folderId: number;
  uid: number;
  flags: number;
  size: number;
  blobHash: string | null;
}

export const REMOVABLE_COLUMNS = ['id', 'store_id', 'folder_id', 'uid', 'flags', 'size', 'blob_hash'] as const;

export function toRemovable(r: Record<string, unknown>): RemovableRow {
  return {
    id: num(r.id),
    storeId: num(r.store_id),
    folderId: num(r.folder_id),
    uid: num(r.uid),
    flags: num(r.flags),
    size: num(r.size),
    blobHash: strOrNull(r.blob_hash),
  };
}

/**
 * Deletes message rows with their properties (queue entries cascade), drops their blob references and
 * returns the folder counter deltas (negative) plus the bytes freed per store. Caller holds the store locks.
 */
export async function removeMessageRows(
  ctx: Ctx,
  rows: readonly RemovableRow[],
): Promise<{ deltas: FolderDeltas; sizeByStore: Map<number, number> }> {
  const deltas = new FolderDeltas();
  const sizeByStore = new Map<number, number>();
  for (const r of rows) {
    deltas.add(r.folderId, { count: -1, size: -r.size, unseen: r.flags & MessageFlag.Seen ? 0 : -1 });
    sizeByStore.set(r.storeId, (sizeByStore.get(r.storeId) ?? 0) + r.size);
  }
  for (const part of chunks(rows.map((r) => r.id))) {
    await ctx.db('properties').where('object_type', 'message').whereIn('object_id', part).delete();
    await ctx.db('messages').whereIn('id', part).delete();
  }
  await releaseBlobRefs(ctx, countHashes(rows.map((r) => ({ blob_hash: r.blobHash }))));
  return { deltas, sizeByStore };
}
