import { KcError } from '@kgc/soap';
import { assertAdmin } from '../auth/principal.js';
import { NONE, principal, userByLogin } from './common.js';
import { groupByName } from './groups-common.js';
import type { Op } from './op.js';

export const deleteGroupUser: Op<'deleteGroupUser'> = async (ctx, input) => {
  assertAdmin(await principal(ctx, input.sessionId));
  ctx.users.assertWritable();
  const g = await groupByName(ctx, input.group);
  const u = await userByLogin(ctx, input.username);
  const members = await ctx.storage.groups.listGroupMembers(g.id);
  if (!members.some((m) => m.id === u.id))
    throw new KcError('KCERR_NOT_FOUND', `${input.username} is not in ${input.group}`);
  await ctx.storage.groups.removeGroupMembers(g.id, [u.id]);
  return NONE;
};
