import { assertAdmin } from '../auth/principal.js';
import { NONE, principal, userByLogin } from './common.js';
import type { Op } from './op.js';

export const deleteUser: Op<'deleteUser'> = async (ctx, input) => {
  assertAdmin(await principal(ctx, input.sessionId));
  ctx.users.assertWritable();
  const user = await userByLogin(ctx, input.username);
  await ctx.storage.users.deleteUser(user.id);
  ctx.users.forget();
  await ctx.sessions.userChanged(user.id);
  return NONE;
};
