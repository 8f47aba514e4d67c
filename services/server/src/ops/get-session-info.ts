import { principal } from './common.js';
import type { Op } from './op.js';

export const getSessionInfo: Op<'getSessionInfo'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const expires = new Date(await ctx.sessions.expiresAt(input.sessionId));
  if (p.kind === 'service') return { info: { kind: 'service', isAdmin: true, expires } };
  return {
    info: {
      kind: 'user',
      userId: p.userId,
      username: p.loginName,
      storeId: p.storeId ?? undefined,
      isAdmin: p.isAdmin,
      expires,
    },
  };
};
