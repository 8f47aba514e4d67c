import { KcError } from '@kgc/soap';
import { principal } from './common.js';
import { storeOut } from './convert.js';
import type { Op } from './op.js';

export const getStore: Op<'getStore'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const who = input.username ?? input.email;
  let storeId: number | null;
  if (who === undefined || who === '') {
    if (p.kind === 'service') throw new KcError('KCERR_INVALID_PARAMETER', 'a service session must name the user');
    storeId = p.storeId;
  } else {
    const user = await ctx.users.findForLogon(who);
    if (!user) throw new KcError('KCERR_NOT_FOUND', `no user ${who}`);
    if (p.kind === 'user' && p.userId !== user.id) throw new KcError('KCERR_NO_ACCESS', 'no access to that store');
    storeId = user.storeId;
  }
  if (storeId === null) throw new KcError('KCERR_NOT_FOUND', 'the user has no store');
  const id = storeId;
  const store = await ctx.storage.stores.getStore(id);
  return { store: storeOut(store, store.userId === null ? null : await ctx.storage.users.getUser(store.userId)) };
};
