import { KcError } from '@kgc/soap';
import { assertAdmin } from '../auth/principal.js';
import { NONE, principal, userByLogin } from './common.js';
import type { Op } from './op.js';

export const SetQuota: Op<'SetQuota'> = async (ctx, input) => {
  assertAdmin(await principal(ctx, input.sessionId));
  ctx.users.assertWritable();
  const q = input.quota;
  if ([q.warn, q.soft, q.hard].some((v) => v < 0))
    throw new KcError('KCERR_INVALID_PARAMETER', 'quota limits must be >= 0');
  const u = await userByLogin(ctx, input.username);
  await ctx.storage.users.setUserQuota(u.id, { override: q.override, warn: q.warn, soft: q.soft, hard: q.hard });
  return NONE;
};
