import { KcError } from '@kgc/soap';
import type { Op } from './op.js';
import { userDetailsOut } from './users-common.js';

export const logon: Op<'logon'> = async (ctx, input) => {
  const user = await ctx.users.authenticate(input.username, input.password);
  if (!user) throw new KcError('KCERR_LOGON_FAILED', 'logon failed');
  // The user's details (features: may this user use IMAP, POP3?) come with the session: a gateway
  // login is one call.
  const [sessionId, details] = await Promise.all([ctx.sessions.openUser(user.id), userDetailsOut(ctx, user)]);
  return { sessionId, userId: user.id, storeId: user.storeId ?? 0, user: details };
};
