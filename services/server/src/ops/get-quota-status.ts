import { KcError } from '@kgc/soap';
import { assertSelfOrAdmin } from '../auth/principal.js';
import { principal, userByLogin } from './common.js';
import { statusOut } from './convert.js';
import type { Op } from './op.js';

export const GetQuotaStatus: Op<'GetQuotaStatus'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  let storeId: number | null;
  if (input.username) {
    const u = await userByLogin(ctx, input.username);
    assertSelfOrAdmin(p, u.id);
    storeId = u.storeId;
  } else {
    if (p.kind === 'service') throw new KcError('KCERR_INVALID_PARAMETER', 'a service session must name the user');
    storeId = p.storeId;
  }
  if (storeId === null) throw new KcError('KCERR_NOT_FOUND', 'the user has no store');
  return { status: statusOut(await ctx.storage.stores.getQuotaStatus(storeId)) };
};
