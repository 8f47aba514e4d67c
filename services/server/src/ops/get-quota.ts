import { assertSelfOrAdmin } from '../auth/principal.js';
import { principal, userByLogin } from './common.js';
import type { Op } from './op.js';

export const GetQuota: Op<'GetQuota'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const u = await userByLogin(ctx, input.username);
  assertSelfOrAdmin(p, u.id);
  const q = await ctx.storage.users.getUserQuota(u.id);
  return { quota: { override: q.override, warn: q.warn, soft: q.soft, hard: q.hard } };
};
