import { KcError } from '@kgc/soap';
import type { DirectoryGroup, DirectoryUser } from '../users/user-plugin.js';
import type { Ctx } from './context.js';
import { chunks, foldKey, num } from './rows.js';
import { createStore } from './stores.js';
import { encodeFeatures, loadUser, toGroup } from './user-rows.js';
import type { GroupRecord, UserRecord } from './user-types.js';
import { addAliases, checkLoginName, insertUserRow } from './users.js';

export interface UpsertDirectoryUserResult {
  user: UserRecord;
  created: boolean;
  /** Aliases already used by another user; not stored. */
  skippedAliases: string[];
  /** `sendAs` login names without a local user yet; applied when those users sync. */
  unknownSendAs: string[];
}

async function userIdsByLogin(ctx: Ctx, logins: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const part of chunks([...new Set(logins.map(foldKey))])) {
    const rows = (await ctx.db('users').select('id', 'login_key').whereIn('login_key', part)) as Array<
      Record<string, unknown>
    >;
    for (const r of rows) out.set(String(r.login_key), num(r.id));
  }
  return out;
}

/**
 * Syncs a directory (ldap) user into the local tables on logon: matched by extern id, created when
 * new (with the private store unless `createStore: false`). Aliases and send-as are replaced by the
 * directory's. A local user of another source or extern id holding the login name is KCERR_COLLISION.
 */
export async function upsertDirectoryUser(
  ctx: Ctx,
  du: DirectoryUser,
  opts: { createStore?: boolean } = {},
): Promise<UpsertDirectoryUserResult> {
  checkLoginName(du.loginName);
  const now = ctx.env.now();
  const existing = (await ctx.db('users').select('id').where({ source: 'ldap', extern_id: du.externId }).first()) as
    | Record<string, unknown>
    | undefined;
  const holder = (await ctx.db('users').select('id').where('login_key', foldKey(du.loginName)).first()) as
    | Record<string, unknown>
    | undefined;
  if (holder && (!existing || num(holder.id) !== num(existing.id))) {
    throw new KcError('KCERR_COLLISION', `login name ${du.loginName} belongs to another local user`);
  }
  const quota = du.quota ?? { override: false, warn: 0, soft: 0, hard: 0 };
  let id: number;
  if (existing) {
    id = num(existing.id);
    await ctx
      .db('users')
      .where('id', id)
      .update({
        login_name: du.loginName,
        login_key: foldKey(du.loginName),
        full_name: du.fullName,
        email: du.email,
        email_key: du.email ? foldKey(du.email) : null,
        is_admin: du.isAdmin,
        active: du.active,
        quota_override: quota.override,
        quota_warn: quota.warn,
        quota_soft: quota.soft,
        quota_hard: quota.hard,
        enabled_features: encodeFeatures(du.enabledFeatures),
        disabled_features: encodeFeatures(du.disabledFeatures),
        updated_at: now,
      });
  } else {
    id = await insertUserRow(
      ctx,
      {
        loginName: du.loginName,
        fullName: du.fullName,
        email: du.email,
        isAdmin: du.isAdmin,
        active: du.active,
        quota,
        enabledFeatures: du.enabledFeatures,
        disabledFeatures: du.disabledFeatures,
      },
      'ldap',
      du.externId,
      null,
    );
  }
  const wanted = new Set(du.aliases.map(foldKey));
  const current = (await ctx.db('aliases').select('address_key').where('user_id', id)) as Array<{
    address_key: string;
  }>;
  const stale = current.map((a) => a.address_key).filter((k) => !wanted.has(k));
  if (stale.length > 0) await ctx.db('aliases').where('user_id', id).whereIn('address_key', stale).delete();
  const skippedAliases = await addAliases(ctx, id, du.aliases, { skipTaken: true });

  const senders = await userIdsByLogin(ctx, du.sendAs);
  const unknownSendAs = du.sendAs.filter((l) => !senders.has(foldKey(l)));
  await ctx.db('send_as').where('as_user_id', id).delete();
  const senderIds = [...new Set(senders.values())].filter((s) => s !== id);
  for (const part of chunks(senderIds)) {
    if (part.length > 0) await ctx.db('send_as').insert(part.map((s) => ({ user_id: s, as_user_id: id })));
  }
  if (!existing && (opts.createStore ?? true)) await createStore(ctx, id);
  return { user: await loadUser(ctx, id), created: !existing, skippedAliases, unknownSendAs };
}

export interface UpsertDirectoryGroupResult {
  group: GroupRecord;
  created: boolean;
  /** Member login names without a local user. */
  unknownMembers: string[];
}

/** Syncs a directory group and replaces its membership with the directory's. */
export async function upsertDirectoryGroup(ctx: Ctx, dg: DirectoryGroup): Promise<UpsertDirectoryGroupResult> {
  const existing = (await ctx
    .db('user_groups')
    .select('id')
    .where({ source: 'ldap', extern_id: dg.externId })
    .first()) as Record<string, unknown> | undefined;
  const holder = (await ctx.db('user_groups').select('id').where('name_key', foldKey(dg.name)).first()) as
    | Record<string, unknown>
    | undefined;
  if (holder && (!existing || num(holder.id) !== num(existing.id))) {
    throw new KcError('KCERR_COLLISION', `group name ${dg.name} belongs to another local group`);
  }
  let id: number;
  const row = { name: dg.name, name_key: foldKey(dg.name), email: dg.email };
  if (existing) {
    id = num(existing.id);
    await ctx.db('user_groups').where('id', id).update(row);
  } else {
    const res = (await ctx
      .db('user_groups')
      .insert({ ...row, source: 'ldap', extern_id: dg.externId, created_at: ctx.env.now() })) as unknown[];
    id = num(res[0]);
  }
  const members = await userIdsByLogin(ctx, dg.members);
  await ctx.db('group_members').where('group_id', id).delete();
  for (const part of chunks([...new Set(members.values())])) {
    if (part.length > 0) await ctx.db('group_members').insert(part.map((u) => ({ group_id: id, user_id: u })));
  }
  const r = (await ctx.db('user_groups').select('*').where('id', id).first()) as Record<string, unknown>;
  return {
    group: toGroup(r),
    created: !existing,
    unknownMembers: dg.members.filter((m) => !members.has(foldKey(m))),
  };
}
