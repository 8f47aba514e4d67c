import { KcError } from '@kgc/soap';
import { principal } from './common.js';
import type { Op } from './op.js';

export const resolveUsername: Op<'resolveUsername'> = async (ctx, input) => {
  await principal(ctx, input.sessionId);
  const u = (await ctx.storage.users.findUserByLogin(input.username)) ?? (await ctx.users.findForLogon(input.username));
  if (!u || u.loginName.toLowerCase() !== input.username.toLowerCase())
    throw new KcError('KCERR_NOT_FOUND', `no user ${input.username}`);
  return { userId: u.id };
};
