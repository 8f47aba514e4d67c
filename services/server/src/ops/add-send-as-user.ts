import { assertAdmin } from '../auth/principal.js';
import { NONE, principal, userByLogin } from './common.js';
import type { Op } from './op.js';

/** `sendAs` may from now on send as `username`. */
export const addSendAsUser: Op<'addSendAsUser'> = async (ctx, input) => {
  assertAdmin(await principal(ctx, input.sessionId));
  ctx.users.assertWritable();
  const owner = await userByLogin(ctx, input.username);
  const sender = await userByLogin(ctx, input.sendAs);
  await ctx.storage.users.addSendAs(owner.id, sender.id);
  return NONE;
};
