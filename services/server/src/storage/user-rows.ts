import type { Knex } from 'knex';
import type { Feature } from '../users/user-plugin.js';
import type { Ctx } from './context.js';
import { notFound } from './db-errors.js';
import { bool, chunks, num, numOrNull, strOrNull } from './rows.js';
import { userQuotaOf } from './stores.js';
import type { GroupRecord, UserRecord, UserSource } from './user-types.js';

const FEATURES: readonly Feature[] = ['imap', 'pop3'];

export function decodeFeatures(v: unknown): Feature[] {
  return String(v ?? '')
    .split(/\s+/)
    .filter((f): f is Feature => (FEATURES as readonly string[]).includes(f));
}

export function encodeFeatures(list: readonly Feature[] | undefined): string {
  return [...new Set(list ?? [])].filter((f) => FEATURES.includes(f)).join(' ');
}

/** users joined with their private store. */
export function selectUsers(ctx: Ctx): Knex.QueryBuilder {
  return ctx
    .db('users as u')
    .leftJoin('stores as s', function () {
      this.on('s.user_id', '=', 'u.id').andOn('s.type', '=', ctx.db.raw('?', ['private']));
    })
    .select('u.*', 's.id as store_id');
}

export function toUser(r: Record<string, unknown>): UserRecord {
  return {
    id: num(r.id),
    loginName: String(r.login_name),
    fullName: String(r.full_name ?? ''),
    email: strOrNull(r.email),
    isAdmin: bool(r.is_admin),
    active: bool(r.active),
    source: (r.source === 'ldap' ? 'ldap' : 'db') as UserSource,
    externId: strOrNull(r.extern_id),
    hasPassword: r.password_hash !== null && r.password_hash !== undefined,
    quota: userQuotaOf(r),
    enabledFeatures: decodeFeatures(r.enabled_features),
    disabledFeatures: decodeFeatures(r.disabled_features),
    storeId: numOrNull(r.store_id),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

export async function loadUsers(ctx: Ctx, ids: readonly number[]): Promise<Map<number, UserRecord>> {
  const out = new Map<number, UserRecord>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = (await selectUsers(ctx).whereIn('u.id', part)) as Array<Record<string, unknown>>;
    for (const r of rows) out.set(num(r.id), toUser(r));
  }
  return out;
}

export async function loadUser(ctx: Ctx, id: number): Promise<UserRecord> {
  const u = (await loadUsers(ctx, [id])).get(id);
  if (!u) throw notFound('user', id);
  return u;
}

export function toGroup(r: Record<string, unknown>): GroupRecord {
  return {
    id: num(r.id),
    name: String(r.name),
    email: strOrNull(r.email),
    source: r.source === 'ldap' ? 'ldap' : 'db',
    externId: strOrNull(r.extern_id),
    createdAt: num(r.created_at),
  };
}
