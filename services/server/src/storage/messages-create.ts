import { headerBlock } from '@kgc/mapi';
import { KcError } from '@kgc/soap';
import { assertBlobHash, blobRefStatements, blobRowQueries, readBlobRows, sha256Hex } from './blobs.js';
import type { Ctx } from './context.js';
import {
  createCounterStatements,
  type FolderCounters,
  lockFolderStores,
  type StoreCounters,
  type TargetStore,
} from './create-lock.js';
import { invalid, notFound } from './db-errors.js';
import { deliveredQueries, deliveryKeyOf, MAX_DELIVERY_KEY, readDelivered } from './delivery-keys.js';
import { assertFlags, encodeKeywords, MessageFlag, normalizeKeywords } from './message-flags.js';
import { baseSubject, truncateChars } from './message-rows.js';
import type {
  CreatedMessage,
  CreateMessagesOptions,
  CreateMessagesResult,
  NewMessage,
  RefusedMessage,
} from './message-types.js';
import { newRowStatements } from './new-message-ids.js';
import { propertyRow, propertyUpserts } from './properties.js';
import { quotaLevel } from './quota.js';
import { toBuffer } from './rows.js';
import { runStatements } from './statement-batch.js';
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
 *
 * Round trips, however many messages: the store and folder locks with (under them) the blob rows
 * and earlier deliveries; then every write, the new ids and (in a statement transaction) COMMIT.
 * Bytes too large for the batch, and properties, follow on their own.
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
  const prepared: Prepared[] = input.map((m, index) => {
    let hash: string | null = m.blobHash ?? null;
    let data: Buffer | null = null;
    if (m.mime) {
      data = toBuffer(m.mime);
      hash = hashOf.get(m.mime) ?? sha256Hex(data);
      hashOf.set(m.mime, hash);
    }
    const size = m.size ?? data?.length ?? 0;
    return { index, input: m, hash, data, size, flags: m.flags ?? 0, keywords: normalizeKeywords(m.keywords ?? []) };
  });

  // One round trip: the store and folder locks, then (under them) the blob rows, locked, and the
  // messages stored earlier under the delivery keys.
  const wantedKeys = prepared.flatMap((p) => (p.input.deliveryKey !== undefined ? [p.input.deliveryKey] : []));
  const hashes = [...new Set(prepared.flatMap((p) => (p.hash ? [p.hash] : [])))];
  const blobQueries = blobRowQueries(ctx, hashes);
  const { stores, folders, extra } = await lockFolderStores(
    ctx,
    prepared.map((p) => p.input.folderId),
    [...blobQueries, ...deliveredQueries(ctx, wantedKeys)],
  );
  const keyed = prepared.flatMap((p) => {
    const storeId = folders.get(p.input.folderId)?.storeId;
    return p.input.deliveryKey !== undefined && storeId !== undefined ? [{ storeId, key: p.input.deliveryKey }] : [];
  });
  const blobRows = readBlobRows(extra.slice(0, blobQueries.length));
  const delivered = readDelivered(extra.slice(blobQueries.length), keyed);
  for (const p of prepared) {
    if (!p.input.blobHash) continue;
    const row = blobRows.get(p.input.blobHash);
    if (!row) throw notFound('blob', p.input.blobHash);
    if (p.input.size === undefined) p.size = row.size;
  }

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

  // Blobs: references per hash; bytes for the hashes that had no row (a row that exists is locked
  // now and has its bytes: they are stored before a row's first commit and freed only with it).
  const withData = new Map<string, { size: number; count: number }>();
  const refs = new Map<string, number>();
  const bytesOf = new Map<string, Buffer>();
  for (const p of accepted) {
    if (!p.hash) continue;
    if (p.data) {
      const cur = withData.get(p.hash);
      withData.set(p.hash, { size: p.data.length, count: (cur?.count ?? 0) + 1 });
      if (!blobRows.has(p.hash)) bytesOf.set(p.hash, p.data);
    } else refs.set(p.hash, (refs.get(p.hash) ?? 0) + 1);
  }
  const backend = ctx.env.blobs;
  const inBatch = backend.batchable?.(ctx, bytesOf) ?? { statements: [], rest: bytesOf };

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
      imap_envelope: p.input.imapEnvelope ?? null,
      imap_body: p.input.imapBody ?? null,
      imap_bodystructure: p.input.imapBodystructure ?? null,
      header_block: p.input.mime ? headerBlockOf(p.input.mime) : null,
      search_subjects: p.input.searchSubjects ?? null,
      blob_hash: p.hash,
      has_attachments: p.input.hasAttachments ?? false,
      created_at: now,
    };
  });

  // Per folder, the uids [from, to) this call assigns.
  const ranges = [...folderCounters].map(([folderId, c]) => ({
    folderId,
    from: folders.get(folderId)?.uidnext ?? c.uidnext,
    to: c.uidnext,
  }));
  const newRows = newRowStatements(
    ctx,
    accepted.map((p, j) => {
      const at = placed.get(p);
      if (!at) throw new Error('unreachable');
      return {
        row: rows[j] as Record<string, unknown>,
        storeId: at.store.id,
        folderId: at.folderId,
        uid: at.uid,
        modseq: at.modseq,
        ...(p.input.deliveryKey !== undefined ? { deliveryKey: p.input.deliveryKey } : {}),
      };
    }),
    ranges,
    createCounterStatements(storeCounters, folderCounters),
  );
  const writes = [...blobRefStatements(ctx, withData, refs), ...inBatch.statements, ...newRows.writes];
  // Properties need the new ids, bytes the batch could not carry a trip of their own: without
  // either, COMMIT goes in this trip.
  const last = inBatch.rest.size === 0 && !accepted.some((p) => Object.keys(p.input.properties ?? {}).length > 0);
  if (last && rows.length > 0) opts.onLastTrip?.();
  const done = rows.length > 0 ? await runStatements(ctx, [...writes, ...newRows.idQueries], { commit: last }) : [];
  const idByFolderUid = newRows.ids(done.slice(writes.length));
  // Bytes the batch could not carry: written now, under the blob row locks the upsert took.
  await backend.store(ctx, inBatch.rest);

  const props: Array<Record<string, unknown>> = [];
  for (const p of accepted) {
    const at = placed.get(p);
    const id = at ? idByFolderUid.get(`${at.folderId}:${at.uid}`) : undefined;
    if (!at || id === undefined) throw new Error('inserted message not found');
    for (const [name, v] of Object.entries(p.input.properties ?? {}))
      props.push(propertyRow({ type: 'message', id }, name, v));
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
  if (props.length > 0) await runStatements(ctx, propertyUpserts(ctx, props));
  return {
    results,
    changes: [...storeCounters].sort(([a], [b]) => a - b).map(([storeId, c]) => ({ storeId, modseq: c.modseq })),
  };
}

/** The header block of a message's bytes (a view, not a copy). */
function headerBlockOf(mime: Uint8Array): Buffer {
  return headerBlock(Buffer.from(mime.buffer, mime.byteOffset, mime.byteLength));
}
