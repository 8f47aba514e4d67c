import { NONE } from './common.js';
import type { Op } from './op.js';

export const logoff: Op<'logoff'> = async (ctx, input) => {
  await ctx.sessions.principal(input.sessionId);
  await ctx.sessions.close(input.sessionId);
  return NONE;
};
