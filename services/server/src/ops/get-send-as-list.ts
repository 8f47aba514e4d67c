import { assertSelfOrAdmin } from '../auth/principal.js';
import { principal, userByLogin } from './common.js';
import type { Op } from './op.js';

export const getSendAsList: Op<'getSendAsList'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const u = await userByLogin(ctx, input.username);
  assertSelfOrAdmin(p, u.id);
  return { usernames: (await ctx.storage.users.listSendAs(u.id)).map((s) => s.loginName) };
};
