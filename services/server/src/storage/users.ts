import { KcError } from '@kgc/soap';
import type { Ctx } from './context.js';
import { invalid, notFound } from './db-errors.js';
import type { UserQuota } from './quota.js';
import { chunks, foldKey, hasControlChars, num } from './rows.js';
import { runStatements } from './statement-batch.js';
import { createStore, deleteStore } from './stores.js';
import { encodeFeatures, loadUser, loadUsers, selectUsers, toUser } from './user-rows.js';
import type {
  FeatureSettings,
  NewUser,
  ResolveResult,
  UserDetails,
  UserRecord,
  UserRef,
  UserSource,
  UserUpdate,
} from './user-types.js';

export function checkLoginName(name: string): void {
  if (name.length === 0 || name.length > 255 || /\s/.test(name) || hasControlChars(name)) {
    throw invalid(`invalid login name: ${JSON.stringify(name)}`);
  }
}

export function checkAddress(address: string): void {
  if (address.length > 320 || !/^[^\s@]+@[^\s@]+$/.test(address)) throw invalid(`invalid address: ${address}`);
}

function checkQuota(q: UserQuota): void {
  for (const v of [q.warn, q.soft, q.hard]) {
    if (!Number.isSafeInteger(v) || v < 0) throw invalid('quota limits are non-negative byte counts');
  }
}

/** An address may be one user's primary address or alias, never another user's (db users). */
async function assertAddressFree(ctx: Ctx, address: string, userId: number | null): Promise<void> {
  const key = foldKey(address);
  const byEmail = ctx.db('users').select('id').where('email_key', key);
  const byAlias = ctx.db('aliases').select('user_id as id').where('address_key', key);
  if (userId !== null) {
    byEmail.andWhereNot('id', userId);
    byAlias.andWhereNot('user_id', userId);
  }
  if ((await byEmail.first()) || (await byAlias.first())) {
    throw new KcError('KCERR_COLLISION', `address ${address} belongs to another user`);
  }
}

async function assertLoginFree(ctx: Ctx, loginName: string, exceptId: number | null): Promise<void> {
  const q = ctx.db('users').select('id').where('login_key', foldKey(loginName));
  if (exceptId !== null) q.andWhereNot('id', exceptId);
  if (await q.first()) throw new KcError('KCERR_COLLISION', `login name ${loginName} is taken`);
}

export async function insertUserRow(
  ctx: Ctx,
  input: NewUser,
  source: UserSource,
  externId: string | null,
  passwordHash: string | null,
): Promise<number> {
  const now = ctx.env.now();
  const quota = input.quota ?? { override: false, warn: 0, soft: 0, hard: 0 };
  checkQuota(quota);
  const res = (await ctx.db('users').insert({
    login_name: input.loginName,
    login_key: foldKey(input.loginName),
    full_name: input.fullName ?? '',
    email: input.email ?? null,
    email_key: input.email ? foldKey(input.email) : null,
    password_hash: passwordHash,
    is_admin: input.isAdmin ?? false,
    active: input.active ?? true,
    source,
    extern_id: externId,
    quota_override: quota.override,
    quota_warn: quota.warn,
    quota_soft: quota.soft,
    quota_hard: quota.hard,
    enabled_features: encodeFeatures(input.enabledFeatures),
    disabled_features: encodeFeatures(input.disabledFeatures),
    created_at: now,
    updated_at: now,
  })) as unknown[];
  return num(res[0]);
}

/** Creates a db user (and by default the private store with the default folders). */
export async function createUser(ctx: Ctx, input: NewUser, passwordHash: string | null): Promise<UserRecord> {
  checkLoginName(input.loginName);
  if (input.email) checkAddress(input.email);
  await assertLoginFree(ctx, input.loginName, null);
  if (input.email) await assertAddressFree(ctx, input.email, null);
  const id = await insertUserRow(ctx, input, 'db', null, passwordHash);
  if (input.aliases?.length) await addAliases(ctx, id, input.aliases);
  if (input.createStore ?? true) await createStore(ctx, id);
  return loadUser(ctx, id);
}

/** `passwordHash`: undefined keeps the password, null removes it. */
export async function updateUser(
  ctx: Ctx,
  id: number,
  patch: UserUpdate,
  passwordHash: string | null | undefined,
): Promise<UserRecord> {
  await loadUser(ctx, id);
  const set: Record<string, unknown> = { updated_at: ctx.env.now() };
  if (patch.loginName !== undefined) {
    checkLoginName(patch.loginName);
    await assertLoginFree(ctx, patch.loginName, id);
    Object.assign(set, { login_name: patch.loginName, login_key: foldKey(patch.loginName) });
  }
  if (patch.email !== undefined) {
    if (patch.email !== null) {
      checkAddress(patch.email);
      await assertAddressFree(ctx, patch.email, id);
    }
    Object.assign(set, { email: patch.email, email_key: patch.email === null ? null : foldKey(patch.email) });
  }
  if (patch.fullName !== undefined) set.full_name = patch.fullName;
  if (patch.isAdmin !== undefined) set.is_admin = patch.isAdmin;
  if (patch.active !== undefined) set.active = patch.active;
  if (passwordHash !== undefined) set.password_hash = passwordHash;
  await ctx.db('users').where('id', id).update(set);
  return loadUser(ctx, id);
}

/** Deletes a user, their store (blobs freed), memberships, aliases, send-as rights and sessions. */
export async function deleteUser(ctx: Ctx, id: number): Promise<void> {
  await loadUser(ctx, id);
  const stores = (await ctx.db('stores').select('id').where('user_id', id)) as Array<{ id: unknown }>;
  for (const s of stores) await deleteStore(ctx, num(s.id));
  await ctx.db('properties').where({ object_type: 'user', object_id: id }).delete();
  await ctx.db('users').where('id', id).delete();
}

export async function getUsers(ctx: Ctx, ids: readonly number[]): Promise<UserRecord[]> {
  const users = await loadUsers(ctx, ids);
  return ids.map((id) => {
    const u = users.get(id);
    if (!u) throw notFound('user', id);
    return u;
  });
}

export async function findUserByLogin(ctx: Ctx, loginName: string): Promise<UserRecord | null> {
  const r = (await selectUsers(ctx).where('u.login_key', foldKey(loginName)).first()) as
    | Record<string, unknown>
    | undefined;
  return r ? toUser(r) : null;
}

export interface ListUsersOptions {
  source?: UserSource;
  offset?: number;
  limit?: number;
}

export async function listUsers(ctx: Ctx, opts: ListUsersOptions = {}): Promise<UserRecord[]> {
  const q = selectUsers(ctx).orderBy('u.login_key');
  if (opts.source) q.where('u.source', opts.source);
  if (opts.offset) q.offset(opts.offset);
  if (opts.limit !== undefined) q.limit(opts.limit);
  return ((await q) as Array<Record<string, unknown>>).map(toUser);
}

/**
 * Resolves login names or addresses (primary or alias, case-insensitive) in three queries.
 * A login name wins; several users behind one address are reported as ambiguous.
 */
export async function resolveUsers(ctx: Ctx, queries: readonly string[]): Promise<ResolveResult[]> {
  const keys = [...new Set(queries.map(foldKey))];
  const byLogin = new Map<string, number>();
  const byAddress = new Map<string, Set<number>>();
  const addAddr = (key: string, id: number) => byAddress.set(key, (byAddress.get(key) ?? new Set()).add(id));
  const users = new Map<number, UserRecord>();
  for (const part of chunks(keys)) {
    // The users matched by login or address, whole, and the aliases, in one round trip (MySQL).
    const [found = [], aliases = []] = (await runStatements(ctx, [
      selectUsers(ctx).whereIn('u.login_key', part).orWhereIn('u.email_key', part),
      ctx.db('aliases').select('user_id', 'address_key').whereIn('address_key', part),
    ])) as Array<Array<Record<string, unknown>>>;
    for (const r of found) {
      const u = toUser(r);
      users.set(u.id, u);
      if (part.includes(String(r.login_key))) byLogin.set(String(r.login_key), u.id);
      if (r.email_key !== null && part.includes(String(r.email_key))) addAddr(String(r.email_key), u.id);
    }
    for (const a of aliases) addAddr(String(a.address_key), num(a.user_id));
  }
  // Users found by an alias only.
  const rest = [...byAddress.values()].flatMap((s) => [...s]).filter((id) => !users.has(id));
  for (const [id, u] of await loadUsers(ctx, rest)) users.set(id, u);
  return queries.map((query): ResolveResult => {
    const key = foldKey(query);
    const loginId = byLogin.get(key);
    const loginUser = loginId === undefined ? undefined : users.get(loginId);
    if (loginUser) return { query, status: 'found', user: loginUser };
    const found = [...(byAddress.get(key) ?? [])].map((id) => users.get(id)).filter((u) => u !== undefined);
    if (found.length === 0) return { query, status: 'not-found' };
    if (found.length === 1) return { query, status: 'found', user: found[0] as UserRecord };
    return { query, status: 'ambiguous', users: found };
  });
}

/** The stored hash for a logon check (db plugin). null when the login name is unknown. */
export async function getCredentials(
  ctx: Ctx,
  loginName: string,
): Promise<{ user: UserRecord; passwordHash: string | null } | null> {
  const r = (await selectUsers(ctx).where('u.login_key', foldKey(loginName)).first()) as
    | Record<string, unknown>
    | undefined;
  if (!r) return null;
  return { user: toUser(r), passwordHash: r.password_hash === null ? null : String(r.password_hash) };
}

/**
 * Replaces a user's password hash by a stronger one of the same password (the db plugin, after a
 * successful logon), only if it is still `oldHash`: a password changed meanwhile is kept.
 */
export async function upgradePasswordHash(ctx: Ctx, id: number, oldHash: string, newHash: string): Promise<boolean> {
  const n = await ctx.db('users').where({ id, password_hash: oldHash }).update({ password_hash: newHash });
  return n === 1;
}

/** Adds aliases; an address used by another user is KCERR_COLLISION (`skipTaken`: skipped and returned instead). */
export async function addAliases(
  ctx: Ctx,
  userId: number,
  addresses: readonly string[],
  opts: { skipTaken?: boolean } = {},
): Promise<string[]> {
  const skipped: string[] = [];
  const existing = new Set(
    ((await ctx.db('aliases').select('address_key').where('user_id', userId)) as Array<{ address_key: string }>).map(
      (a) => a.address_key,
    ),
  );
  for (const address of addresses) {
    checkAddress(address);
    const key = foldKey(address);
    if (existing.has(key)) continue;
    try {
      await assertAddressFree(ctx, address, userId);
    } catch (err) {
      if (opts.skipTaken && err instanceof KcError && err.code === 'KCERR_COLLISION') {
        skipped.push(address);
        continue;
      }
      throw err;
    }
    await ctx.db('aliases').insert({ user_id: userId, address, address_key: key });
    existing.add(key);
  }
  return skipped;
}

export async function removeAliases(ctx: Ctx, userId: number, addresses: readonly string[]): Promise<void> {
  if (addresses.length === 0) return;
  await ctx.db('aliases').where('user_id', userId).whereIn('address_key', addresses.map(foldKey)).delete();
}

/** Users with aliases and send-as lists, three queries for any number of users. */
export async function getUserDetails(ctx: Ctx, ids: readonly number[]): Promise<UserDetails[]> {
  const users = await getUsers(ctx, ids);
  const aliases = new Map<number, string[]>();
  const sendAs = new Map<number, UserRef[]>();
  for (const part of chunks([...new Set(ids)])) {
    const a = (await ctx.db('aliases').select('user_id', 'address').whereIn('user_id', part).orderBy('id')) as Array<
      Record<string, unknown>
    >;
    for (const r of a) aliases.set(num(r.user_id), [...(aliases.get(num(r.user_id)) ?? []), String(r.address)]);
    const s = (await ctx
      .db('send_as as sa')
      .join('users as u', 'u.id', 'sa.user_id')
      .select('sa.as_user_id', 'u.id', 'u.login_name')
      .whereIn('sa.as_user_id', part)
      .orderBy('u.login_key')) as Array<Record<string, unknown>>;
    for (const r of s) {
      const owner = num(r.as_user_id);
      sendAs.set(owner, [...(sendAs.get(owner) ?? []), { id: num(r.id), loginName: String(r.login_name) }]);
    }
  }
  return users.map((u) => ({ ...u, aliases: aliases.get(u.id) ?? [], sendAs: sendAs.get(u.id) ?? [] }));
}

/** KGC addSendAsUser: `senderId` may send as `userId`. */
export async function addSendAs(ctx: Ctx, userId: number, senderId: number): Promise<void> {
  if (userId === senderId) throw invalid('a user can always send as themselves');
  await getUsers(ctx, [userId, senderId]);
  const exists = await ctx.db('send_as').where({ user_id: senderId, as_user_id: userId }).first();
  if (!exists) await ctx.db('send_as').insert({ user_id: senderId, as_user_id: userId });
}

export async function removeSendAs(ctx: Ctx, userId: number, senderId: number): Promise<void> {
  await ctx.db('send_as').where({ user_id: senderId, as_user_id: userId }).delete();
}

/** Users who may send as `userId` (KGC getSendAsList). */
export async function listSendAs(ctx: Ctx, userId: number): Promise<UserRef[]> {
  const [details] = await getUserDetails(ctx, [userId]);
  return details?.sendAs ?? [];
}

export async function canSendAs(ctx: Ctx, senderId: number, asUserId: number): Promise<boolean> {
  if (senderId === asUserId) return true;
  return Boolean(await ctx.db('send_as').where({ user_id: senderId, as_user_id: asUserId }).first());
}

export async function setFeatures(ctx: Ctx, userId: number, f: FeatureSettings): Promise<void> {
  const n = await ctx
    .db('users')
    .where('id', userId)
    .update({
      enabled_features: encodeFeatures(f.enabled),
      disabled_features: encodeFeatures(f.disabled.filter((x) => !f.enabled.includes(x))),
      updated_at: ctx.env.now(),
    });
  if (num(n) === 0) throw notFound('user', userId);
}

export async function setUserQuota(ctx: Ctx, userId: number, q: UserQuota): Promise<void> {
  checkQuota(q);
  const n = await ctx.db('users').where('id', userId).update({
    quota_override: q.override,
    quota_warn: q.warn,
    quota_soft: q.soft,
    quota_hard: q.hard,
    updated_at: ctx.env.now(),
  });
  if (num(n) === 0) throw notFound('user', userId);
}

/**
 * Effective feature (KGC): a per-user enable wins, then a per-user disable, then the server's
 * `disabled_features` (default "imap pop3").
 */
export function featureEnabled(
  user: Pick<UserRecord, 'enabledFeatures' | 'disabledFeatures'>,
  feature: FeatureSettings['enabled'][number],
  serverDisabled: readonly FeatureSettings['enabled'][number][],
): boolean {
  if (user.enabledFeatures.includes(feature)) return true;
  if (user.disabledFeatures.includes(feature)) return false;
  return !serverDisabled.includes(feature);
}
