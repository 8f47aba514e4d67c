import { assertAdmin } from '../auth/principal.js';
import { principal } from './common.js';
import { userOut } from './convert.js';
import { groupByName } from './groups-common.js';
import type { Op } from './op.js';

export const getUserListOfGroup: Op<'getUserListOfGroup'> = async (ctx, input) => {
  // Full user records (quota, features, admin flag): administrators only. Group membership by
  // name is in getGroup, which every user may read.
  assertAdmin(await principal(ctx, input.sessionId));
  const members = await ctx.storage.groups.listGroupMembers((await groupByName(ctx, input.group)).id);
  return { users: members.map((u) => userOut(u, ctx.config.disabled_features)) };
};
