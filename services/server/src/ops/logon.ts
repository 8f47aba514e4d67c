import { KcError } from '@kgc/soap';
import type { Op } from './op.js';

export const logon: Op<'logon'> = async (ctx, input) => {
  const user = await ctx.users.authenticate(input.username, input.password);
  if (!user) throw new KcError('KCERR_LOGON_FAILED', 'logon failed');
  const sessionId = await ctx.sessions.openUser(user.id);
  return { sessionId, userId: user.id, storeId: user.storeId ?? 0 };
};
