import { assertSelfOrAdmin } from '../auth/principal.js';
import { principal, userByLogin } from './common.js';
import type { Op } from './op.js';
import { userDetailsOut } from './users-common.js';

export const getUser: Op<'getUser'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const user = (await ctx.users.findForLogon(input.username)) ?? (await userByLogin(ctx, input.username));
  assertSelfOrAdmin(p, user.id);
  return { user: await userDetailsOut(ctx, user) };
};
