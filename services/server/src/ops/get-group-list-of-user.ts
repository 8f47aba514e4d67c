import { assertSelfOrAdmin } from '../auth/principal.js';
import { principal, userByLogin } from './common.js';
import { groupWithMembers } from './groups-common.js';
import type { Op } from './op.js';

export const getGroupListOfUser: Op<'getGroupListOfUser'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const u = await userByLogin(ctx, input.username);
  assertSelfOrAdmin(p, u.id);
  const groups = await ctx.storage.groups.listGroupsOfUser(u.id);
  return { groups: await Promise.all(groups.map((g) => groupWithMembers(ctx, g))) };
};
