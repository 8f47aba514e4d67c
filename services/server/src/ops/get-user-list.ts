import { assertAdmin } from '../auth/principal.js';
import { principal } from './common.js';
import { userOut } from './convert.js';
import type { Op } from './op.js';

export const getUserList: Op<'getUserList'> = async (ctx, input) => {
  assertAdmin(await principal(ctx, input.sessionId));
  await ctx.users.syncAll();
  const users = await ctx.storage.users.listUsers();
  const details = await ctx.storage.users.getUserDetails(users.map((u) => u.id));
  return { users: details.map((u) => userOut(u, ctx.config.disabled_features)) };
};
