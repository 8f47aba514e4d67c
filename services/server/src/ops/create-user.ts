import { KcError } from '@kgc/soap';
import { assertAdmin } from '../auth/principal.js';
import { principal } from './common.js';
import type { Op } from './op.js';
import { userDetailsOut } from './users-common.js';

export const createUser: Op<'createUser'> = async (ctx, input) => {
  assertAdmin(await principal(ctx, input.sessionId));
  ctx.users.assertWritable();
  const u = input.user;
  if (!u.username) throw new KcError('KCERR_INVALID_PARAMETER', 'username is required');
  if (!u.password) throw new KcError('KCERR_INVALID_PARAMETER', 'password is required');
  const user = await ctx.storage.users.createUser({
    loginName: u.username,
    password: u.password,
    fullName: u.fullName ?? u.username,
    email: u.email ?? null,
    isAdmin: u.isAdmin ?? false,
    active: u.active ?? true,
    aliases: u.aliases,
    createStore: true,
  });
  return { user: await userDetailsOut(ctx, user) };
};
