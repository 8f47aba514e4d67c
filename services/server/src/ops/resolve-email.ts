import { KcError } from '@kgc/soap';
import { principal } from './common.js';
import type { Op } from './op.js';

/** Address, alias or login name -> user (what dagent does at RCPT). Ambiguous: KCERR_COLLISION. */
export const resolveEmail: Op<'resolveEmail'> = async (ctx, input) => {
  await principal(ctx, input.sessionId);
  const u = await ctx.users.findForLogon(input.email);
  if (!u) throw new KcError('KCERR_NOT_FOUND', `no user for ${input.email}`);
  if (u.storeId === null) throw new KcError('KCERR_NOT_FOUND', `${u.loginName} has no store`);
  return { userId: u.id, username: u.loginName, storeId: u.storeId };
};
