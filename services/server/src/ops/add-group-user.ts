import { assertAdmin } from '../auth/principal.js';
import { NONE, principal, userByLogin } from './common.js';
import { groupByName } from './groups-common.js';
import type { Op } from './op.js';

export const addGroupUser: Op<'addGroupUser'> = async (ctx, input) => {
  assertAdmin(await principal(ctx, input.sessionId));
  ctx.users.assertWritable();
  const g = await groupByName(ctx, input.group);
  const u = await userByLogin(ctx, input.username);
  await ctx.storage.groups.addGroupMembers(g.id, [u.id]);
  return NONE;
};
