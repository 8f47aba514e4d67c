import { createHash, randomBytes } from 'node:crypto';
import type { Ctx } from './context.js';
import { invalid } from './db-errors.js';
import { num, numOrNull } from './rows.js';

export type SessionKind = 'user' | 'service';

export interface SessionRecord {
  kind: SessionKind;
  /** The logged-on user (null for a service session not tied to a user). */
  userId: number | null;
  /** The user a service acts for (dagent, spooler). */
  impersonatedUserId: number | null;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  /** Sliding timeout (session_timeout). */
  timeoutMs: number;
}

export interface NewSession {
  kind: SessionKind;
  userId: number | null;
  impersonatedUserId?: number | null;
  timeoutMs: number;
}

/** Only the SHA-256 of the 256-bit id is stored; a database leak does not leak live sessions. */
function hashId(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

function toSession(r: Record<string, unknown>): SessionRecord {
  return {
    kind: r.kind === 'service' ? 'service' : 'user',
    userId: numOrNull(r.user_id),
    impersonatedUserId: numOrNull(r.impersonated_user_id),
    createdAt: num(r.created_at),
    lastUsedAt: num(r.last_used_at),
    expiresAt: num(r.expires_at),
    timeoutMs: num(r.timeout_ms),
  };
}

/** Returns the clear id (base64url, 43 chars) once; it is not stored. */
export async function createSession(ctx: Ctx, s: NewSession): Promise<{ id: string; session: SessionRecord }> {
  if (!Number.isSafeInteger(s.timeoutMs) || s.timeoutMs <= 0) throw invalid('timeoutMs must be positive');
  if (s.kind === 'user' && s.userId === null) throw invalid('a user session needs a user');
  const id = randomBytes(32).toString('base64url');
  const now = ctx.env.now();
  const row = {
    id_hash: hashId(id),
    kind: s.kind,
    user_id: s.userId,
    impersonated_user_id: s.impersonatedUserId ?? null,
    created_at: now,
    last_used_at: now,
    expires_at: now + s.timeoutMs,
    timeout_ms: s.timeoutMs,
  };
  await ctx.db('sessions').insert(row);
  return { id, session: toSession(row) };
}

/**
 * Looks a session up and slides its expiry; null when unknown or expired. Read-mostly: the row is
 * written only when the last touch is older than min(5 s, timeout / 10).
 */
export async function touchSession(ctx: Ctx, id: string): Promise<SessionRecord | null> {
  if (id.length === 0 || id.length > 128) return null;
  const now = ctx.env.now();
  const idHash = hashId(id);
  const r = (await ctx.db('sessions').select('*').where('id_hash', idHash).first()) as
    | Record<string, unknown>
    | undefined;
  if (!r) return null;
  const s = toSession(r);
  if (s.expiresAt <= now) return null;
  if (now - s.lastUsedAt < Math.min(5000, s.timeoutMs / 10)) return s;
  const n = await ctx
    .db('sessions')
    .where('id_hash', idHash)
    .andWhere('expires_at', '>', now)
    .update({ last_used_at: now, expires_at: now + s.timeoutMs });
  return num(n) === 0 ? null : { ...s, lastUsedAt: now, expiresAt: now + s.timeoutMs };
}

export async function deleteSession(ctx: Ctx, id: string): Promise<boolean> {
  return num(await ctx.db('sessions').where('id_hash', hashId(id)).delete()) > 0;
}

/** Ends every session of a user (password change, user disabled). */
export async function deleteUserSessions(ctx: Ctx, userId: number): Promise<number> {
  return num(await ctx.db('sessions').where('user_id', userId).orWhere('impersonated_user_id', userId).delete());
}

export async function purgeExpiredSessions(ctx: Ctx): Promise<number> {
  return num(await ctx.db('sessions').where('expires_at', '<=', ctx.env.now()).delete());
}
