import { timingSafeEqual } from 'node:crypto';
import { KcError } from '@kgc/soap';
import type { Op } from './op.js';

export const serviceLogon: Op<'serviceLogon'> = async (ctx, input) => {
  if (!ctx.serviceSecret || !sameSecret(input.secret, ctx.serviceSecret)) {
    throw new KcError('KCERR_LOGON_FAILED', 'logon failed');
  }
  if (input.impersonate === undefined || input.impersonate === '') {
    return { sessionId: await ctx.sessions.openService() };
  }
  const user = await ctx.users.findForLogon(input.impersonate);
  if (!user) throw new KcError('KCERR_NOT_FOUND', `no user ${input.impersonate}`);
  if (!user.active) throw new KcError('KCERR_LOGON_FAILED', `${input.impersonate} is not active`);
  return { sessionId: await ctx.sessions.openService(user.id), userId: user.id, storeId: user.storeId ?? undefined };
};

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
