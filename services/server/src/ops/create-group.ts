import { assertAdmin } from '../auth/principal.js';
import { principal } from './common.js';
import { groupWithMembers } from './groups-common.js';
import type { Op } from './op.js';

export const createGroup: Op<'createGroup'> = async (ctx, input) => {
  assertAdmin(await principal(ctx, input.sessionId));
  ctx.users.assertWritable();
  const g = await ctx.storage.groups.createGroup({ name: input.name, email: input.email ?? null });
  return { group: await groupWithMembers(ctx, g) };
};
