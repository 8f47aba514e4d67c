import { KcError } from '@kgc/soap';
import type { Ctx } from './context.js';
import { invalid, notFound } from './db-errors.js';
import { chunks, foldKey, hasControlChars, num } from './rows.js';
import { selectUsers, toGroup, toUser } from './user-rows.js';
import type { GroupRecord, GroupUpdate, NewGroup, UserRecord } from './user-types.js';
import { checkAddress } from './users.js';

function checkGroupName(name: string): void {
  if (name.length === 0 || name.length > 255 || hasControlChars(name)) {
    throw invalid(`invalid group name: ${JSON.stringify(name)}`);
  }
}

async function assertGroupNameFree(ctx: Ctx, name: string, exceptId: number | null): Promise<void> {
  const q = ctx.db('user_groups').select('id').where('name_key', foldKey(name));
  if (exceptId !== null) q.andWhereNot('id', exceptId);
  if (await q.first()) throw new KcError('KCERR_COLLISION', `group ${name} exists`);
}

export async function getGroup(ctx: Ctx, id: number): Promise<GroupRecord> {
  const r = (await ctx.db('user_groups').select('*').where('id', id).first()) as Record<string, unknown> | undefined;
  if (!r) throw notFound('group', id);
  return toGroup(r);
}

export async function findGroupByName(ctx: Ctx, name: string): Promise<GroupRecord | null> {
  const r = (await ctx.db('user_groups').select('*').where('name_key', foldKey(name)).first()) as
    | Record<string, unknown>
    | undefined;
  return r ? toGroup(r) : null;
}

export async function listGroups(ctx: Ctx): Promise<GroupRecord[]> {
  return ((await ctx.db('user_groups').select('*').orderBy('name_key')) as Array<Record<string, unknown>>).map(toGroup);
}

export async function createGroup(ctx: Ctx, input: NewGroup): Promise<GroupRecord> {
  checkGroupName(input.name);
  if (input.email) checkAddress(input.email);
  await assertGroupNameFree(ctx, input.name, null);
  const res = (await ctx.db('user_groups').insert({
    name: input.name,
    name_key: foldKey(input.name),
    email: input.email ?? null,
    source: 'db',
    extern_id: null,
    created_at: ctx.env.now(),
  })) as unknown[];
  const id = num(res[0]);
  if (input.memberIds?.length) await addGroupMembers(ctx, id, input.memberIds);
  return getGroup(ctx, id);
}

export async function updateGroup(ctx: Ctx, id: number, patch: GroupUpdate): Promise<GroupRecord> {
  await getGroup(ctx, id);
  const set: Record<string, unknown> = {};
  if (patch.name !== undefined) {
    checkGroupName(patch.name);
    await assertGroupNameFree(ctx, patch.name, id);
    Object.assign(set, { name: patch.name, name_key: foldKey(patch.name) });
  }
  if (patch.email !== undefined) {
    if (patch.email !== null) checkAddress(patch.email);
    set.email = patch.email;
  }
  if (Object.keys(set).length > 0) await ctx.db('user_groups').where('id', id).update(set);
  return getGroup(ctx, id);
}

export async function deleteGroup(ctx: Ctx, id: number): Promise<void> {
  const n = await ctx.db('user_groups').where('id', id).delete();
  if (num(n) === 0) throw notFound('group', id);
  await ctx.db('properties').where({ object_type: 'group', object_id: id }).delete();
}

/** Adds members (already present ones are ignored); unknown user ids are KCERR_NOT_FOUND. */
export async function addGroupMembers(ctx: Ctx, groupId: number, userIds: readonly number[]): Promise<void> {
  await getGroup(ctx, groupId);
  const ids = [...new Set(userIds)];
  for (const part of chunks(ids)) {
    const found = (await ctx.db('users').select('id').whereIn('id', part)) as Array<{ id: unknown }>;
    const have = new Set(found.map((r) => num(r.id)));
    const missing = part.find((id) => !have.has(id));
    if (missing !== undefined) throw notFound('user', missing);
    const present = (await ctx
      .db('group_members')
      .select('user_id')
      .where('group_id', groupId)
      .whereIn('user_id', part)) as Array<{ user_id: unknown }>;
    const skip = new Set(present.map((r) => num(r.user_id)));
    const rows = part.filter((id) => !skip.has(id)).map((id) => ({ group_id: groupId, user_id: id }));
    if (rows.length > 0) await ctx.db('group_members').insert(rows);
  }
}

export async function removeGroupMembers(ctx: Ctx, groupId: number, userIds: readonly number[]): Promise<void> {
  for (const part of chunks([...new Set(userIds)])) {
    await ctx.db('group_members').where('group_id', groupId).whereIn('user_id', part).delete();
  }
}

export async function listGroupMembers(ctx: Ctx, groupId: number): Promise<UserRecord[]> {
  await getGroup(ctx, groupId);
  const rows = (await selectUsers(ctx)
    .join('group_members as gm', 'gm.user_id', 'u.id')
    .where('gm.group_id', groupId)
    .orderBy('u.login_key')) as Array<Record<string, unknown>>;
  return rows.map(toUser);
}

export async function listGroupsOfUser(ctx: Ctx, userId: number): Promise<GroupRecord[]> {
  const rows = (await ctx
    .db('user_groups as g')
    .join('group_members as gm', 'gm.group_id', 'g.id')
    .select('g.*')
    .where('gm.user_id', userId)
    .orderBy('g.name_key')) as Array<Record<string, unknown>>;
  return rows.map(toGroup);
}
