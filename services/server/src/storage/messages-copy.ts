import { KcError } from '@kgc/soap';
import { addBlobRefs, countHashes } from './blobs.js';
import type { Ctx } from './context.js';
import { invalid, notFound } from './db-errors.js';
import { FolderDeltas, loadFolder } from './folder-rows.js';
import { type NewJournalEntry, writeJournal } from './journal.js';
import { MessageFlag } from './message-flags.js';
import { removeMessageRows, toRemovable } from './message-remove.js';
import type { CopiedMessage, CopyOptions, CopyResult } from './message-types.js';
import { storesOfMessages } from './messages-set-flags.js';
import { upsertPropertyRows } from './properties.js';
import { quotaLevel } from './quota.js';
import { chunks, num } from './rows.js';
import { addStoreSize, type LockedStore, lockStores } from './store-lock.js';
import { ownerQuotas, quotaStatusOf } from './stores.js';

async function assertBelowHardQuota(ctx: Ctx, store: LockedStore): Promise<void> {
  if (store.type !== 'private' || store.userId === null) return;
  const quota = (await ownerQuotas(ctx, [store.userId])).get(store.userId) ?? null;
  const status = quotaStatusOf(ctx, store.id, store.size, quota);
  if (quotaLevel(store.size, status) === 'hard') {
    throw new KcError('KCERR_STORE_FULL', `store ${store.id} is over its hard quota`, {
      storeId: store.id,
      size: store.size,
      hard: status.hard,
    });
  }
}

type SourceRow = Record<string, unknown>;

async function loadSources(ctx: Ctx, ids: readonly number[]): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for (const part of chunks(ids))
    rows.push(...((await ctx.db('messages').select('*').whereIn('id', part)) as SourceRow[]));
  return rows.sort((a, b) => num(a.folder_id) - num(b.folder_id) || num(a.uid) - num(b.uid));
}

/**
 * Copies (or moves) messages into a folder, in the same or another store: new uids in the target in
 * source order, blob references added, counters/sizes/journal updated. The target store at hard quota
 * refuses the whole call with KCERR_STORE_FULL (same-store moves do not grow the store and are not checked).
 */
export async function copyMessages(
  ctx: Ctx,
  ids: readonly number[],
  targetFolderId: number,
  move: boolean,
  opts: CopyOptions = {},
): Promise<CopyResult> {
  const unique = [...new Set(ids)];
  const targetBefore = await loadFolder(ctx, targetFolderId);
  const locked = await lockStores(ctx, [targetBefore.storeId, ...(await storesOfMessages(ctx, unique))]);
  const target = await loadFolder(ctx, targetFolderId, true);
  const tstore = locked.get(target.storeId);
  if (!tstore) throw notFound('store', target.storeId);
  if (target.parentId === null) throw invalid('messages cannot live in the root folder');
  const sources = (await loadSources(ctx, unique)).filter((r) => locked.has(num(r.store_id)));
  const found = new Set(sources.map((r) => num(r.id)));
  const notFoundIds = unique.filter((id) => !found.has(id));
  const sameStore = sources.filter((r) => num(r.store_id) === target.storeId);
  const crossStore = move ? sources.filter((r) => num(r.store_id) !== target.storeId) : sources;
  if (!opts.skipQuotaCheck && crossStore.length > 0) await assertBelowHardQuota(ctx, tstore);

  const copied: CopiedMessage[] = [];
  const journal: NewJournalEntry[] = [];
  const deltas = new FolderDeltas();
  let uid = target.uidnext;
  const now = ctx.env.now();

  // Same-store move: the row keeps its id and gets a new uid in the target (one UPDATE per chunk).
  if (move && sameStore.length > 0) {
    for (const part of chunks(sameStore, 200)) {
      const cases: string[] = [];
      const bindings: number[] = [];
      for (const r of part) {
        const newUid = uid++;
        cases.push('WHEN ? THEN ?');
        bindings.push(num(r.id), newUid);
        copied.push({
          sourceId: num(r.id),
          sourceFolderId: num(r.folder_id),
          sourceUid: num(r.uid),
          id: num(r.id),
          uid: newUid,
        });
        const unseen = num(r.flags) & MessageFlag.Seen ? 0 : 1;
        deltas.add(num(r.folder_id), { count: -1, unseen: -unseen, size: -num(r.size), modseq: tstore.modseq });
        deltas.add(target.id, { count: 1, unseen, size: num(r.size), modseq: tstore.modseq });
        journal.push({
          storeId: tstore.id,
          modseq: tstore.modseq,
          folderId: num(r.folder_id),
          messageId: num(r.id),
          uid: num(r.uid),
          kind: 'message-expunge',
        });
        journal.push({
          storeId: tstore.id,
          modseq: tstore.modseq,
          folderId: target.id,
          messageId: num(r.id),
          uid: newUid,
          kind: 'message-new',
        });
      }
      await ctx
        .db('messages')
        .whereIn(
          'id',
          part.map((r) => num(r.id)),
        )
        .update({
          folder_id: target.id,
          modseq: tstore.modseq,
          uid: ctx.db.raw(`CASE id ${cases.join(' ')} END`, bindings),
        });
    }
  }

  // Copies (and cross-store moves): new rows, blob refs +1, properties copied.
  if (crossStore.length > 0) {
    await addBlobRefs(
      ctx,
      countHashes(crossStore.map((r) => ({ blob_hash: r.blob_hash === null ? null : String(r.blob_hash) }))),
    );
    const firstUid = uid;
    const rows = crossStore.map((r) => {
      const { id: _id, ...rest } = r;
      const newUid = uid++;
      const unseen = num(r.flags) & MessageFlag.Seen ? 0 : 1;
      deltas.add(target.id, { count: 1, unseen, size: num(r.size), modseq: tstore.modseq });
      return {
        ...rest,
        store_id: target.storeId,
        folder_id: target.id,
        uid: newUid,
        modseq: tstore.modseq,
        created_at: now,
      };
    });
    for (const part of chunks(rows, 100)) await ctx.db('messages').insert(part);
    const inserted = (await ctx
      .db('messages')
      .select('id', 'uid')
      .where('folder_id', target.id)
      .andWhere('uid', '>=', firstUid)
      .andWhere('uid', '<', uid)) as Array<Record<string, unknown>>;
    const idByUid = new Map(inserted.map((r) => [num(r.uid), num(r.id)]));
    const newIdOf = new Map<number, number>();
    crossStore.forEach((r, i) => {
      const newUid = firstUid + i;
      const newId = idByUid.get(newUid);
      if (newId === undefined) throw new Error('copied message not found');
      newIdOf.set(num(r.id), newId);
      copied.push({
        sourceId: num(r.id),
        sourceFolderId: num(r.folder_id),
        sourceUid: num(r.uid),
        id: newId,
        uid: newUid,
      });
      journal.push({
        storeId: tstore.id,
        modseq: tstore.modseq,
        folderId: target.id,
        messageId: newId,
        uid: newUid,
        kind: 'message-new',
      });
    });
    for (const part of chunks([...newIdOf.keys()])) {
      const props = (await ctx
        .db('properties')
        .select('*')
        .where('object_type', 'message')
        .whereIn('object_id', part)) as Array<Record<string, unknown>>;
      await upsertPropertyRows(
        ctx,
        props.map((p) => ({ ...p, object_id: newIdOf.get(num(p.object_id)) })),
      );
    }
    await addStoreSize(
      ctx,
      target.storeId,
      crossStore.reduce((s, r) => s + num(r.size), 0),
    );
    if (move) {
      const { deltas: removed, sizeByStore } = await removeMessageRows(ctx, crossStore.map(toRemovable));
      for (const [folderId, d] of removed.map) {
        const store = locked.get(num(crossStore.find((r) => num(r.folder_id) === folderId)?.store_id));
        deltas.add(folderId, { ...d, modseq: store?.modseq });
      }
      for (const [storeId, bytes] of sizeByStore) await addStoreSize(ctx, storeId, -bytes);
      for (const r of crossStore) {
        const store = locked.get(num(r.store_id));
        if (!store) continue;
        journal.push({
          storeId: store.id,
          modseq: store.modseq,
          folderId: num(r.folder_id),
          messageId: num(r.id),
          uid: num(r.uid),
          kind: 'message-expunge',
        });
      }
    }
  }
  deltas.add(target.id, { uidnext: uid - target.uidnext });
  await deltas.apply(ctx);
  await writeJournal(ctx, journal);
  const changed = new Set(journal.map((j) => j.storeId));
  copied.sort((a, b) => a.sourceFolderId - b.sourceFolderId || a.sourceUid - b.sourceUid);
  return {
    copied,
    notFound: notFoundIds,
    changes: [...changed].map((id) => ({ storeId: id, modseq: locked.get(id)?.modseq ?? 0 })),
  };
}
