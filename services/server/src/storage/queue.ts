import { randomBytes } from 'node:crypto';
import { KcError } from '@kgc/soap';
import type { Ctx } from './context.js';
import { invalid, notFound } from './db-errors.js';
import { quotaLevel } from './quota.js';
import { chunks, num, numOrNull, strOrNull } from './rows.js';
import { ownerQuotas, quotaStatusOf } from './stores.js';

/** Queue entry flags. */
export const QueueFlag = {
  /** Delete the message after sending instead of moving it to Sent Items. */
  DeleteAfterSubmit: 1,
} as const;

export interface QueueEntry {
  id: number;
  storeId: number;
  messageId: number;
  userId: number;
  submittedAt: number;
  flags: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  attempts: number;
  nextAttemptAt: number;
  /** Deferred delivery time requested by the sender (PR_DEFERRED_DELIVERY_TIME), epoch ms. */
  deferredUntil: number | null;
  lastError: string | null;
}

export interface EnqueueInput {
  messageId: number;
  /** The submitting user; default the store owner. */
  userId?: number;
  flags?: number;
  deferredUntil?: number | null;
  /** No soft/hard quota check (system mail). */
  skipQuotaCheck?: boolean;
}

export interface ClaimOptions {
  /** Unique id of the spooler instance. */
  owner: string;
  limit: number;
  leaseMs: number;
}

function toEntry(r: Record<string, unknown>): QueueEntry {
  return {
    id: num(r.id),
    storeId: num(r.store_id),
    messageId: num(r.message_id),
    userId: num(r.user_id),
    submittedAt: num(r.submitted_at),
    flags: num(r.flags),
    leaseOwner: strOrNull(r.lease_owner),
    leaseExpiresAt: numOrNull(r.lease_expires_at),
    attempts: num(r.attempts),
    nextAttemptAt: num(r.next_attempt_at),
    deferredUntil: numOrNull(r.deferred_until),
    lastError: strOrNull(r.last_error),
  };
}

async function entriesById(ctx: Ctx, ids: readonly number[]): Promise<QueueEntry[]> {
  const out: QueueEntry[] = [];
  for (const part of chunks(ids)) {
    out.push(
      ...((await ctx.db('outgoing_queue').select('*').whereIn('id', part)) as Array<Record<string, unknown>>).map(
        toEntry,
      ),
    );
  }
  return out.sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
}

/** KGC submitMessage: queues a message; refused with KCERR_STORE_FULL at soft or hard quota. */
export async function enqueue(ctx: Ctx, input: EnqueueInput): Promise<QueueEntry> {
  const msg = (await ctx
    .db('messages as m')
    .join('stores as s', 's.id', 'm.store_id')
    .select('m.id', 'm.store_id', 's.user_id', 's.type', 's.size')
    .where('m.id', input.messageId)
    .first()) as Record<string, unknown> | undefined;
  if (!msg) throw notFound('message', input.messageId);
  const ownerId = numOrNull(msg.user_id);
  const userId = input.userId ?? ownerId;
  if (userId === null) throw invalid('a queue entry needs a user');
  if (!input.skipQuotaCheck && msg.type === 'private' && ownerId !== null) {
    const quota = (await ownerQuotas(ctx, [ownerId])).get(ownerId) ?? null;
    const status = quotaStatusOf(ctx, num(msg.store_id), num(msg.size), quota);
    const level = quotaLevel(status.size, status);
    if (level === 'soft' || level === 'hard') {
      throw new KcError('KCERR_STORE_FULL', `store ${status.storeId} is over its ${level} quota; sending refused`);
    }
  }
  const now = ctx.env.now();
  const deferred = input.deferredUntil ?? null;
  const existing = await ctx.db('outgoing_queue').select('id').where('message_id', input.messageId).first();
  if (existing) throw new KcError('KCERR_COLLISION', `message ${input.messageId} is already queued`);
  const res = (await ctx.db('outgoing_queue').insert({
    store_id: num(msg.store_id),
    message_id: input.messageId,
    user_id: userId,
    submitted_at: now,
    flags: input.flags ?? 0,
    attempts: 0,
    next_attempt_at: Math.max(now, deferred ?? 0),
    deferred_until: deferred,
  })) as unknown[];
  const [entry] = await entriesById(ctx, [num(res[0])]);
  if (!entry) throw notFound('queue entry', num(res[0]));
  return entry;
}

/**
 * Leases up to `limit` due entries to `owner`. MariaDB ≥ 10.6 / MySQL 8: SELECT … FOR UPDATE SKIP
 * LOCKED, so concurrent spoolers take disjoint rows without waiting; otherwise a compare-and-set
 * UPDATE (lease free or expired) tagged with a one-time token, then read back by that token.
 */
export async function claim(ctx: Ctx, opts: ClaimOptions): Promise<QueueEntry[]> {
  if (!Number.isSafeInteger(opts.limit) || opts.limit <= 0) throw invalid('limit must be positive');
  if (!Number.isSafeInteger(opts.leaseMs) || opts.leaseMs <= 0) throw invalid('leaseMs must be positive');
  if (opts.owner.length === 0 || opts.owner.length > 200) throw invalid('invalid lease owner');
  const now = ctx.env.now();
  const due = (qb: ReturnType<Ctx['db']>) =>
    qb
      .where('next_attempt_at', '<=', now)
      .andWhere((w) => w.whereNull('lease_expires_at').orWhere('lease_expires_at', '<=', now));
  const lease = { lease_owner: opts.owner, lease_expires_at: now + opts.leaseMs };
  if (ctx.env.engine === 'mysql' && ctx.env.skipLocked) {
    const rows = (await due(ctx.db('outgoing_queue').select('id'))
      .orderBy([{ column: 'next_attempt_at' }, { column: 'id' }])
      .limit(opts.limit)
      .forUpdate()
      .skipLocked()) as Array<Record<string, unknown>>;
    const ids = rows.map((r) => num(r.id));
    if (ids.length === 0) return [];
    await ctx.db('outgoing_queue').whereIn('id', ids).update(lease);
    return entriesById(ctx, ids);
  }
  const token = `${opts.owner}#${randomBytes(8).toString('hex')}`;
  if (ctx.env.engine === 'mysql') {
    await due(ctx.db('outgoing_queue'))
      .orderBy([{ column: 'next_attempt_at' }, { column: 'id' }])
      .limit(opts.limit)
      .update({ ...lease, lease_owner: token });
  } else {
    await ctx
      .db('outgoing_queue')
      .whereIn(
        'id',
        due(ctx.db('outgoing_queue').select('id'))
          .orderBy([{ column: 'next_attempt_at' }, { column: 'id' }])
          .limit(opts.limit),
      )
      .update({ ...lease, lease_owner: token });
  }
  const rows = (await ctx.db('outgoing_queue').select('id').where('lease_owner', token)) as Array<
    Record<string, unknown>
  >;
  const ids = rows.map((r) => num(r.id));
  if (ids.length > 0) await ctx.db('outgoing_queue').whereIn('id', ids).update({ lease_owner: opts.owner });
  return entriesById(ctx, ids);
}

/** Extends leases still held by `owner`; returns the ids renewed (an expired-and-taken lease is lost). */
export async function renewLease(ctx: Ctx, ids: readonly number[], owner: string, leaseMs: number): Promise<number[]> {
  const now = ctx.env.now();
  const held = (await ctx
    .db('outgoing_queue')
    .select('id')
    .whereIn('id', [...ids])
    .andWhere('lease_owner', owner)
    .andWhere('lease_expires_at', '>', now)) as Array<Record<string, unknown>>;
  const heldIds = held.map((r) => num(r.id));
  if (heldIds.length > 0) {
    await ctx
      .db('outgoing_queue')
      .whereIn('id', heldIds)
      .andWhere('lease_owner', owner)
      .update({ lease_expires_at: now + leaseMs });
  }
  return heldIds;
}

/** Gives leases back without counting an attempt (spooler shutting down). */
export async function releaseLease(ctx: Ctx, ids: readonly number[], owner: string): Promise<number> {
  return num(
    await ctx
      .db('outgoing_queue')
      .whereIn('id', [...ids])
      .andWhere('lease_owner', owner)
      .update({ lease_owner: null, lease_expires_at: null }),
  );
}

/** One entry by id, or null. */
export async function getEntry(ctx: Ctx, id: number): Promise<QueueEntry | null> {
  const [entry] = await entriesById(ctx, [id]);
  return entry ?? null;
}

/** KGC finishedMessage: removes the entry (sent or given up). With `owner`, only if still leased to it. */
export async function finish(ctx: Ctx, id: number, owner?: string): Promise<boolean> {
  const q = ctx.db('outgoing_queue').where('id', id);
  if (owner !== undefined) q.andWhere('lease_owner', owner);
  return num(await q.delete()) > 0;
}

/** Removes the entries still leased to `owner` among `ids`; returns the entries removed. */
export async function finishMany(ctx: Ctx, ids: readonly number[], owner: string): Promise<QueueEntry[]> {
  const held: QueueEntry[] = [];
  for (const part of chunks(ids)) {
    const q = ctx.db('outgoing_queue').select('*').whereIn('id', part).andWhere('lease_owner', owner);
    // Locked until COMMIT: an expired lease cannot be taken over between this read and the delete.
    if (ctx.env.engine === 'mysql') q.forUpdate();
    held.push(...((await q) as Array<Record<string, unknown>>).map(toEntry));
  }
  const heldIds = held.map((e) => e.id);
  for (const part of chunks(heldIds)) {
    await ctx.db('outgoing_queue').whereIn('id', part).andWhere('lease_owner', owner).delete();
  }
  return held;
}

/** KGC abortSubmit: removes the entry of a message. */
export async function abortSubmit(ctx: Ctx, messageId: number): Promise<boolean> {
  return num(await ctx.db('outgoing_queue').where('message_id', messageId).delete()) > 0;
}

/** Default retry schedule: 1 min doubling per attempt, at most 4 h. */
export function defaultBackoffMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 4 * 3600_000);
}

/** A failed attempt: attempts+1, lease released, next attempt after `delayMs` (default backoff). */
export async function defer(
  ctx: Ctx,
  id: number,
  owner: string,
  opts: { delayMs?: number; error?: string } = {},
): Promise<QueueEntry | null> {
  const row = (await ctx.db('outgoing_queue').select('attempts').where({ id, lease_owner: owner }).first()) as
    | Record<string, unknown>
    | undefined;
  if (!row) return null;
  const attempts = num(row.attempts) + 1;
  const delay = opts.delayMs ?? defaultBackoffMs(attempts);
  await ctx
    .db('outgoing_queue')
    .where({ id, lease_owner: owner })
    .update({
      attempts,
      next_attempt_at: ctx.env.now() + delay,
      lease_owner: null,
      lease_expires_at: null,
      last_error: opts.error === undefined ? null : opts.error.slice(0, 2000),
    });
  const [entry] = await entriesById(ctx, [id]);
  return entry ?? null;
}

/** Counts for metrics: all entries, those due now (not leased), those leased. */
export async function queueCounts(ctx: Ctx): Promise<{ entries: number; due: number; leased: number }> {
  const now = ctx.env.now();
  const leasedNow = (qb: ReturnType<Ctx['db']>) =>
    qb.whereNotNull('lease_expires_at').andWhere('lease_expires_at', '>', now);
  const count = async (qb: ReturnType<Ctx['db']>) =>
    num(((await qb.count({ n: '*' }).first()) as Record<string, unknown> | undefined)?.n ?? 0);
  const entries = await count(ctx.db('outgoing_queue'));
  const leased = await count(leasedNow(ctx.db('outgoing_queue')));
  const due = await count(
    ctx
      .db('outgoing_queue')
      .where('next_attempt_at', '<=', now)
      .andWhere((w) => w.whereNull('lease_expires_at').orWhere('lease_expires_at', '<=', now)),
  );
  return { entries, due, leased };
}

export async function listQueue(ctx: Ctx, filter: { storeId?: number; userId?: number } = {}): Promise<QueueEntry[]> {
  const q = ctx
    .db('outgoing_queue')
    .select('*')
    .orderBy([{ column: 'next_attempt_at' }, { column: 'id' }]);
  if (filter.storeId !== undefined) q.where('store_id', filter.storeId);
  if (filter.userId !== undefined) q.where('user_id', filter.userId);
  return ((await q) as Array<Record<string, unknown>>).map(toEntry);
}
