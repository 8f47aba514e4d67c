import { KcError } from '@kgc/soap';
import { assertAdmin } from '../auth/principal.js';
import { NONE, principal, userByLogin } from './common.js';
import type { Op } from './op.js';

export const delSendAsUser: Op<'delSendAsUser'> = async (ctx, input) => {
  assertAdmin(await principal(ctx, input.sessionId));
  ctx.users.assertWritable();
  const owner = await userByLogin(ctx, input.username);
  const sender = await userByLogin(ctx, input.sendAs);
  const list = await ctx.storage.users.listSendAs(owner.id);
  if (!list.some((s) => s.id === sender.id))
    throw new KcError('KCERR_NOT_FOUND', `${input.sendAs} may not send as ${input.username}`);
  await ctx.storage.users.removeSendAs(owner.id, sender.id);
  return NONE;
};
