import { randomBytes } from 'node:crypto';
import { KcError } from '@kgc/soap';
import { releaseBlobRefs } from './blobs.js';
import type { Ctx } from './context.js';
import { notFound } from './db-errors.js';
import { DEFAULT_FOLDERS } from './folder-types.js';
import { writeJournal } from './journal.js';
import { effectiveLimits, type QuotaStatus, quotaLevel, type UserQuota } from './quota.js';
import { bool, chunks, foldKey, num, numOrNull } from './rows.js';

export type StoreType = 'private' | 'public';

export interface StoreRecord {
  id: number;
  /** 32 hex digits, stable for the life of the store (KGC store GUID). */
  guid: string;
  userId: number | null;
  type: StoreType;
  /** The hidden root; top-level (IPM subtree) folders have it as parent. */
  rootFolderId: number;
  size: number;
  highestModseq: number;
  createdAt: number;
}

function toStore(r: Record<string, unknown>): StoreRecord {
  return {
    id: num(r.id),
    guid: String(r.guid),
    userId: numOrNull(r.user_id),
    type: r.type === 'public' ? 'public' : 'private',
    rootFolderId: num(r.root_folder_id),
    size: num(r.size),
    highestModseq: num(r.highest_modseq),
    createdAt: num(r.created_at),
  };
}

async function insertId(q: Promise<unknown>): Promise<number> {
  const res = (await q) as unknown[];
  return num(res[0]);
}

/** Creates a private store (userId set) or a public one (userId null) with its root and KGC's default folders. */
export async function createStore(ctx: Ctx, userId: number | null): Promise<StoreRecord> {
  const type: StoreType = userId === null ? 'public' : 'private';
  if (userId !== null) {
    const user = await ctx.db('users').select('id').where('id', userId).first();
    if (!user) throw notFound('user', userId);
    const existing = await ctx.db('stores').select('id').where({ user_id: userId, type }).first();
    if (existing) throw new KcError('KCERR_COLLISION', `user ${userId} already has a private store`);
  }
  const now = ctx.env.now();
  const firstUidvalidity = Math.floor(now / 1000);
  const storeId = await insertId(
    ctx.db('stores').insert({
      guid: randomBytes(16).toString('hex'),
      user_id: userId,
      type,
      size: 0,
      highest_modseq: 1,
      journal_floor_modseq: 0,
      next_uidvalidity: firstUidvalidity + 1 + DEFAULT_FOLDERS.length,
      created_at: now,
    }),
  );
  const folderRow = (name: string, parentId: number | null, uidvalidity: number) => ({
    store_id: storeId,
    parent_id: parentId,
    name,
    name_key: foldKey(name),
    uidvalidity,
    uidnext: 1,
    highest_modseq: 1,
    subscribed: true,
    created_at: now,
  });
  const rootId = await insertId(ctx.db('folders').insert(folderRow('', null, firstUidvalidity)));
  await ctx.db('stores').where('id', storeId).update({ root_folder_id: rootId });
  await ctx.db('folders').insert(
    DEFAULT_FOLDERS.map((f, i) => ({
      ...folderRow(f.name, rootId, firstUidvalidity + 1 + i),
      container_class: f.containerClass,
      role: f.role,
    })),
  );
  const folders = (await ctx.db('folders').select('id').where('parent_id', rootId).orderBy('id')) as Array<{
    id: unknown;
  }>;
  await writeJournal(
    ctx,
    folders.map((f) => ({
      storeId,
      modseq: 1,
      folderId: num(f.id),
      messageId: null,
      uid: null,
      kind: 'folder-new' as const,
    })),
  );
  return getStore(ctx, storeId);
}

export async function getStore(ctx: Ctx, storeId: number): Promise<StoreRecord> {
  const r = (await ctx.db('stores').select('*').where('id', storeId).first()) as Record<string, unknown> | undefined;
  if (!r) throw notFound('store', storeId);
  return toStore(r);
}

export async function findStoreByUser(ctx: Ctx, userId: number): Promise<StoreRecord | null> {
  const r = (await ctx.db('stores').select('*').where({ user_id: userId, type: 'private' }).first()) as
    | Record<string, unknown>
    | undefined;
  return r ? toStore(r) : null;
}

export async function findStoreByGuid(ctx: Ctx, guid: string): Promise<StoreRecord | null> {
  const r = (await ctx.db('stores').select('*').where('guid', guid.toLowerCase()).first()) as
    | Record<string, unknown>
    | undefined;
  return r ? toStore(r) : null;
}

/**
 * Removes a store with all folders, messages, properties, journal and queue entries, and drops the
 * blob references of its messages (bytes freed at refcount 0).
 */
export async function deleteStore(ctx: Ctx, storeId: number): Promise<void> {
  const store = (await ctx.db('stores').select('id').where('id', storeId).forUpdate().first()) as
    | Record<string, unknown>
    | undefined;
  if (!store) throw notFound('store', storeId);
  const hashRows = (await ctx
    .db('messages')
    .select('blob_hash')
    .count({ n: '*' })
    .where('store_id', storeId)
    .whereNotNull('blob_hash')
    .groupBy('blob_hash')) as Array<Record<string, unknown>>;
  const counts = new Map(hashRows.map((r) => [String(r.blob_hash), num(r.n)]));
  await ctx
    .db('properties')
    .where('object_type', 'message')
    .whereIn('object_id', ctx.db('messages').select('id').where('store_id', storeId))
    .delete();
  await ctx
    .db('properties')
    .where('object_type', 'folder')
    .whereIn('object_id', ctx.db('folders').select('id').where('store_id', storeId))
    .delete();
  await ctx.db('properties').where({ object_type: 'store', object_id: storeId }).delete();
  await ctx.db('outgoing_queue').where('store_id', storeId).delete();
  await ctx.db('messages').where('store_id', storeId).delete();
  await releaseBlobRefs(ctx, counts);
  await ctx.db('journal').where('store_id', storeId).delete();
  await ctx.db('folders').where('store_id', storeId).delete();
  await ctx.db('stores').where('id', storeId).delete();
}

/** Quota status of stores (KGC GetQuotaStatus); public stores are always 'ok' with no limits. */
export async function getQuotaStatuses(ctx: Ctx, storeIds: readonly number[] | 'all'): Promise<QuotaStatus[]> {
  const select = () =>
    ctx
      .db('stores as s')
      .leftJoin('users as u', 'u.id', 's.user_id')
      .select(
        's.id',
        's.size',
        's.type',
        'u.id as uid',
        'u.quota_override',
        'u.quota_warn',
        'u.quota_soft',
        'u.quota_hard',
      );
  const rows: Array<Record<string, unknown>> = [];
  if (storeIds === 'all') rows.push(...((await select().orderBy('s.id')) as Array<Record<string, unknown>>));
  else
    for (const part of chunks(storeIds))
      rows.push(...((await select().whereIn('s.id', part)) as Array<Record<string, unknown>>));
  const byId = new Map(rows.map((r) => [num(r.id), r]));
  const ids = storeIds === 'all' ? rows.map((r) => num(r.id)) : storeIds;
  return ids.map((id) => {
    const r = byId.get(id);
    if (!r) throw notFound('store', id);
    return quotaStatusOf(ctx, id, num(r.size), r.type === 'public' || r.uid === null ? null : userQuotaOf(r));
  });
}

export function userQuotaOf(r: Record<string, unknown>): UserQuota {
  return {
    override: bool(r.quota_override),
    warn: num(r.quota_warn),
    soft: num(r.quota_soft),
    hard: num(r.quota_hard),
  };
}

/** `owner` null: not a private store (no quota). */
export function quotaStatusOf(ctx: Ctx, storeId: number, size: number, owner: UserQuota | null): QuotaStatus {
  if (owner === null) return { storeId, size, warn: 0, soft: 0, hard: 0, level: 'ok' };
  const limits = effectiveLimits(owner, ctx.env.quotaDefaults);
  return { storeId, size, ...limits, level: quotaLevel(size, limits) };
}

/** Quota of the owners of locked stores, for checks inside a write. */
export async function ownerQuotas(ctx: Ctx, userIds: readonly number[]): Promise<Map<number, UserQuota>> {
  const out = new Map<number, UserQuota>();
  for (const part of chunks([...new Set(userIds)])) {
    const rows = (await ctx
      .db('users')
      .select('id', 'quota_override', 'quota_warn', 'quota_soft', 'quota_hard')
      .whereIn('id', part)) as Array<Record<string, unknown>>;
    for (const r of rows) out.set(num(r.id), userQuotaOf(r));
  }
  return out;
}
