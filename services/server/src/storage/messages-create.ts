import { KcError } from '@kgc/soap';
import { addBlobRefs, addBlobRefsWithData, assertBlobHash, getBlobInfo, sha256Hex } from './blobs.js';
import type { Ctx } from './context.js';
import {
  type FolderCounters,
  lockFolderStores,
  type StoreCounters,
  type TargetFolder,
  type TargetStore,
  writeCreateCounters,
} from './create-lock.js';
import { invalid, notFound } from './db-errors.js';
import {
  type DeliveredMessage,
  deliveryKeyOf,
  findDelivered,
  MAX_DELIVERY_KEY,
  recordDeliveryKeys,
} from './delivery-keys.js';
import { insertReturning } from './insert-returning.js';
import { type NewJournalEntry, writeJournal } from './journal.js';
import { assertFlags, encodeKeywords, MessageFlag, normalizeKeywords } from './message-flags.js';
import { baseSubject, truncateChars } from './message-rows.js';
import type {
  CreatedMessage,
  CreateMessagesOptions,
  CreateMessagesResult,
  NewMessage,
  RefusedMessage,
} from './message-types.js';
import { propertyRow, upsertPropertyRows } from './properties.js';
import { quotaLevel } from './quota.js';
import { chunks, num, toBuffer } from './rows.js';
import { quotaStatusOf } from './stores.js';

interface Prepared {
  index: number;
  input: NewMessage;
  hash: string | null;
  data: Buffer | null;
  size: number;
  flags: number;
  keywords: string[];
}

function validate(m: NewMessage): void {
  if (m.mime !== undefined && m.blobHash !== undefined) throw invalid('give either mime or blobHash');
  if (m.blobHash !== undefined) assertBlobHash(m.blobHash);
  if (m.flags !== undefined) assertFlags(m.flags);
  if (m.size !== undefined && (!Number.isSafeInteger(m.size) || m.size < 0)) throw invalid('invalid size');
  if (m.deliveryKey !== undefined && (m.deliveryKey === '' || m.deliveryKey.length > MAX_DELIVERY_KEY))
    throw invalid(`a delivery key has 1 to ${MAX_DELIVERY_KEY} characters`);
}

/**
 * Creates messages (possibly in many stores) in the caller's transaction: uids and one modseq per
 * store, counters and store sizes, single-instance blobs, properties and journal entries. A message
 * to a private store at hard quota, or to a missing folder, is refused alone; the others proceed.
 * A message whose delivery key its store already knows (under the store lock, so concurrent
 * retries agree) yields the stored message instead of a new one.
 */
export async function createMessages(
  ctx: Ctx,
  input: readonly NewMessage[],
  opts: CreateMessagesOptions = {},
): Promise<CreateMessagesResult> {
  input.forEach(validate);
  const results: Array<CreatedMessage | RefusedMessage> = new Array(input.length);
  // Hash each distinct buffer once (a delivery to N recipients passes the same bytes N times).
  const hashOf = new Map<Uint8Array, string>();
  const refHashes = [...new Set(input.flatMap((m) => (m.blobHash ? [m.blobHash] : [])))];
  const refSizes = new Map((await getBlobInfo(ctx, refHashes)).map((b) => [b.hash, b.size]));
  const prepared: Prepared[] = input.map((m, index) => {
    let hash: string | null = m.blobHash ?? null;
    let data: Buffer | null = null;
    if (m.mime) {
      data = toBuffer(m.mime);
      hash = hashOf.get(m.mime) ?? sha256Hex(data);
      hashOf.set(m.mime, hash);
    }
    if (m.blobHash && !refSizes.has(m.blobHash)) throw notFound('blob', m.blobHash);
    const size = m.size ?? data?.length ?? (m.blobHash ? (refSizes.get(m.blobHash) ?? 0) : 0);
    return { index, input: m, hash, data, size, flags: m.flags ?? 0, keywords: normalizeKeywords(m.keywords ?? []) };
  });

  const { stores, folders } = await lockFolderStores(
    ctx,
    prepared.map((p) => p.input.folderId),
  );
  const keyed = prepared.flatMap((p) => {
    const storeId = folders.get(p.input.folderId)?.storeId;
    return p.input.deliveryKey !== undefined && storeId !== undefined ? [{ storeId, key: p.input.deliveryKey }] : [];
  });
  const delivered = keyed.length > 0 ? await findDelivered(ctx, keyed) : new Map<string, DeliveredMessage>();
  // A key given twice in this call: the later ones take the first one's result.
  const firstWithKey = new Map<string, Prepared>();
  const sameAs = new Map<Prepared, Prepared>();
  const runningSize = new Map([...stores.values()].map((s) => [s.id, s.size]));
  const accepted: Prepared[] = [];
  for (const p of prepared) {
    const folder = folders.get(p.input.folderId);
    const store = folder ? stores.get(folder.storeId) : undefined;
    if (!folder || !store) {
      results[p.index] = { ok: false, error: notFound('folder', p.input.folderId) };
      continue;
    }
    if (p.input.deliveryKey !== undefined) {
      const key = deliveryKeyOf(store.id, p.input.deliveryKey);
      const before = delivered.get(key);
      if (before) {
        results[p.index] = { ok: true, ...before, existing: true };
        continue;
      }
      const first = firstWithKey.get(key);
      if (first) {
        sameAs.set(p, first);
        continue;
      }
      firstWithKey.set(key, p);
    }
    const size = runningSize.get(store.id) ?? 0;
    if (!opts.skipQuotaCheck && store.type === 'private' && store.userId !== null) {
      const status = quotaStatusOf(ctx, store.id, size, store.quota);
      if (quotaLevel(size, status) === 'hard') {
        results[p.index] = {
          ok: false,
          error: new KcError('KCERR_STORE_FULL', `store ${store.id} is over its hard quota`, {
            storeId: store.id,
            size,
            hard: status.hard,
          }),
        };
        continue;
      }
    }
    runningSize.set(store.id, size + p.size);
    accepted.push(p);
  }

  // Blobs: rows locked in hash order, bytes written once.
  const withData = new Map<string, { data: Buffer; count: number }>();
  const refs = new Map<string, number>();
  for (const p of accepted) {
    if (!p.hash) continue;
    if (p.data) {
      const cur = withData.get(p.hash);
      withData.set(p.hash, { data: p.data, count: (cur?.count ?? 0) + 1 });
    } else refs.set(p.hash, (refs.get(p.hash) ?? 0) + 1);
  }
  await addBlobRefsWithData(ctx, withData);
  await addBlobRefs(ctx, refs);

  // Uids per folder in input order; one new modseq per touched store.
  const storeCounters = new Map<number, StoreCounters>();
  const folderCounters = new Map<number, FolderCounters>();
  const placed = new Map<Prepared, { store: TargetStore; folderId: number; uid: number; modseq: number }>();
  const now = ctx.env.now();
  const rows = accepted.map((p) => {
    const folder = folders.get(p.input.folderId);
    const store = folder ? stores.get(folder.storeId) : undefined;
    if (!folder || !store) throw new Error('unreachable');
    const modseq = store.modseq + 1;
    const sc = storeCounters.get(store.id) ?? { modseq, sizeDelta: 0 };
    sc.sizeDelta += p.size;
    storeCounters.set(store.id, sc);
    const fc = folderCounters.get(folder.id) ?? { count: 0, unseen: 0, sizeDelta: 0, uidnext: folder.uidnext, modseq };
    const uid = fc.uidnext;
    fc.count += 1;
    fc.unseen += p.flags & MessageFlag.Seen ? 0 : 1;
    fc.sizeDelta += p.size;
    fc.uidnext = uid + 1;
    folderCounters.set(folder.id, fc);
    placed.set(p, { store, folderId: folder.id, uid, modseq });
    const env = p.input.envelope ?? {};
    return {
      store_id: store.id,
      folder_id: folder.id,
      uid,
      modseq,
      flags: p.flags,
      keywords: encodeKeywords(p.keywords),
      internal_date: p.input.internalDate ?? now,
      size: p.size,
      message_class: p.input.messageClass ?? 'IPM.Note',
      subject: env.subject ?? null,
      subject_sort: baseSubject(env.subject),
      from_address: env.fromAddress ?? null,
      from_name: env.fromName ?? null,
      from_sort: truncateChars((env.fromAddress ?? '').toLowerCase(), 255),
      to_addrs: env.to ?? null,
      cc_addrs: env.cc ?? null,
      date_header: env.date ?? null,
      message_id: env.messageId ?? null,
      in_reply_to: env.inReplyTo ?? null,
      envelope_json: p.input.envelopeJson ?? null,
      bodystructure_json: p.input.bodyStructureJson ?? null,
      blob_hash: p.hash,
      has_attachments: p.input.hasAttachments ?? false,
      created_at: now,
    };
  });
  const idByFolderUid = await insertMessages(ctx, rows, folders, folderCounters);
  await writeCreateCounters(ctx, storeCounters, folderCounters);

  const props: Array<Record<string, unknown>> = [];
  const journal: NewJournalEntry[] = [];
  const keys: Array<{ storeId: number; key: string; messageId: number }> = [];
  for (const p of accepted) {
    const at = placed.get(p);
    const id = at ? idByFolderUid.get(`${at.folderId}:${at.uid}`) : undefined;
    if (!at || id === undefined) throw new Error('inserted message not found');
    for (const [name, v] of Object.entries(p.input.properties ?? {}))
      props.push(propertyRow({ type: 'message', id }, name, v));
    if (p.input.deliveryKey !== undefined) keys.push({ storeId: at.store.id, key: p.input.deliveryKey, messageId: id });
    journal.push({
      storeId: at.store.id,
      modseq: at.modseq,
      folderId: at.folderId,
      messageId: id,
      uid: at.uid,
      kind: 'message-new',
    });
    results[p.index] = {
      ok: true,
      id,
      storeId: at.store.id,
      folderId: at.folderId,
      uid: at.uid,
      modseq: at.modseq,
      blobHash: p.hash,
    };
  }
  for (const [p, first] of sameAs) {
    const r = results[first.index];
    results[p.index] = r?.ok
      ? { ...r, existing: true }
      : (r ?? { ok: false, error: notFound('folder', p.input.folderId) });
  }
  await upsertPropertyRows(ctx, props);
  await writeJournal(ctx, journal);
  await recordDeliveryKeys(ctx, keys);
  return {
    results,
    changes: [...storeCounters].sort(([a], [b]) => a - b).map(([storeId, c]) => ({ storeId, modseq: c.modseq })),
  };
}

/**
 * Inserts the rows and learns their ids: INSERT … RETURNING where the engine has it, else one
 * SELECT per folder by uid range (independent of auto-increment behaviour). Key `folderId:uid`.
 */
async function insertMessages(
  ctx: Ctx,
  rows: ReadonlyArray<Record<string, unknown>>,
  folders: ReadonlyMap<number, TargetFolder>,
  counters: ReadonlyMap<number, FolderCounters>,
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (ctx.env.returning) {
    for (const part of chunks(rows, 100)) {
      for (const r of await insertReturning(ctx, ctx.db('messages').insert(part), ['id', 'folder_id', 'uid'])) {
        ids.set(`${num(r.folder_id)}:${num(r.uid)}`, num(r.id));
      }
    }
    return ids;
  }
  for (const part of chunks(rows, 100)) await ctx.db('messages').insert(part);
  for (const [folderId, c] of counters) {
    const found = (await ctx
      .db('messages')
      .select('id', 'uid')
      .where('folder_id', folderId)
      .andWhere('uid', '>=', folders.get(folderId)?.uidnext ?? c.uidnext)
      .andWhere('uid', '<', c.uidnext)) as Array<Record<string, unknown>>;
    for (const r of found) ids.set(`${folderId}:${num(r.uid)}`, num(r.id));
  }
  return ids;
}
