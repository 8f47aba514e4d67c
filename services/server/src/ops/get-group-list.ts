import { principal } from './common.js';
import { groupWithMembers } from './groups-common.js';
import type { Op } from './op.js';

export const getGroupList: Op<'getGroupList'> = async (ctx, input) => {
  await principal(ctx, input.sessionId);
  await ctx.users.syncAll();
  const groups = await ctx.storage.groups.listGroups();
  return { groups: await Promise.all(groups.map((g) => groupWithMembers(ctx, g))) };
};
