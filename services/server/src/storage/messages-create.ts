import { KcError } from '@kgc/soap';
import { addBlobRefs, addBlobRefsWithData, assertBlobHash, getBlobInfo, sha256Hex } from './blobs.js';
import type { Ctx } from './context.js';
import { invalid, notFound } from './db-errors.js';
import { FolderDeltas, loadFolders } from './folder-rows.js';
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
import { addStoreSize, lockStores } from './store-lock.js';
import { ownerQuotas, quotaStatusOf } from './stores.js';

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
}

/**
 * Creates messages (possibly in many stores) in the caller's transaction: uids and one modseq per
 * store, counters and store sizes, single-instance blobs, properties and journal entries. A message
 * to a private store at hard quota, or to a missing folder, is refused alone; the others proceed.
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

  const folderIds = prepared.map((p) => p.input.folderId);
  const before = await loadFolders(ctx, folderIds);
  const locked = await lockStores(
    ctx,
    [...before.values()].map((f) => f.storeId),
    { allowMissing: true },
  );
  const folders = await loadFolders(ctx, folderIds, true);
  const quotas = await ownerQuotas(
    ctx,
    [...locked.values()].flatMap((s) => (s.type === 'private' && s.userId !== null ? [s.userId] : [])),
  );
  const runningSize = new Map([...locked.values()].map((s) => [s.id, s.size]));
  const accepted: Prepared[] = [];
  for (const p of prepared) {
    const folder = folders.get(p.input.folderId);
    const store = folder ? locked.get(folder.storeId) : undefined;
    if (!folder || !store) {
      results[p.index] = { ok: false, error: notFound('folder', p.input.folderId) };
      continue;
    }
    const size = runningSize.get(store.id) ?? 0;
    if (!opts.skipQuotaCheck && store.type === 'private' && store.userId !== null) {
      const status = quotaStatusOf(ctx, store.id, size, quotas.get(store.userId) ?? null);
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

  // Uids per folder in input order.
  const nextUid = new Map<number, number>();
  const deltas = new FolderDeltas();
  const uidOf = new Map<Prepared, number>();
  const now = ctx.env.now();
  const rows = accepted.map((p) => {
    const folder = folders.get(p.input.folderId);
    if (!folder) throw new Error('unreachable');
    const store = locked.get(folder.storeId);
    if (!store) throw new Error('unreachable');
    const uid = nextUid.get(folder.id) ?? folder.uidnext;
    nextUid.set(folder.id, uid + 1);
    uidOf.set(p, uid);
    deltas.add(folder.id, {
      count: 1,
      uidnext: 1,
      size: p.size,
      unseen: p.flags & MessageFlag.Seen ? 0 : 1,
      modseq: store.modseq,
    });
    const env = p.input.envelope ?? {};
    return {
      store_id: folder.storeId,
      folder_id: folder.id,
      uid,
      modseq: store.modseq,
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
  for (const part of chunks(rows, 100)) await ctx.db('messages').insert(part);

  // Ids back by (folder, uid range): independent of the engine's auto-increment behaviour.
  const idByFolderUid = new Map<string, number>();
  for (const [folderId, end] of nextUid) {
    const start = folders.get(folderId)?.uidnext ?? end;
    const found = (await ctx
      .db('messages')
      .select('id', 'uid')
      .where('folder_id', folderId)
      .andWhere('uid', '>=', start)
      .andWhere('uid', '<', end)) as Array<Record<string, unknown>>;
    for (const r of found) idByFolderUid.set(`${folderId}:${num(r.uid)}`, num(r.id));
  }
  await deltas.apply(ctx);
  const added = new Map<number, number>();
  for (const p of accepted) {
    const storeId = folders.get(p.input.folderId)?.storeId as number;
    added.set(storeId, (added.get(storeId) ?? 0) + p.size);
  }
  for (const [storeId, bytes] of added) await addStoreSize(ctx, storeId, bytes);

  const props: Array<Record<string, unknown>> = [];
  const journal: NewJournalEntry[] = [];
  for (const p of accepted) {
    const folder = folders.get(p.input.folderId);
    const uid = uidOf.get(p);
    const id = folder && uid !== undefined ? idByFolderUid.get(`${folder.id}:${uid}`) : undefined;
    const store = folder ? locked.get(folder.storeId) : undefined;
    if (!folder || uid === undefined || id === undefined || !store) throw new Error('inserted message not found');
    for (const [name, v] of Object.entries(p.input.properties ?? {}))
      props.push(propertyRow({ type: 'message', id }, name, v));
    journal.push({
      storeId: store.id,
      modseq: store.modseq,
      folderId: folder.id,
      messageId: id,
      uid,
      kind: 'message-new',
    });
    results[p.index] = {
      ok: true,
      id,
      storeId: store.id,
      folderId: folder.id,
      uid,
      modseq: store.modseq,
      blobHash: p.hash,
    };
  }
  await upsertPropertyRows(ctx, props);
  await writeJournal(ctx, journal);
  const touched = new Set(accepted.map((p) => folders.get(p.input.folderId)?.storeId));
  return {
    results,
    changes: [...locked.values()].filter((s) => touched.has(s.id)).map((s) => ({ storeId: s.id, modseq: s.modseq })),
  };
}
