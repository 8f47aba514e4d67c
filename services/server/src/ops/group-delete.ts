import { assertAdmin } from '../auth/principal.js';
import { NONE, principal } from './common.js';
import { groupByName } from './groups-common.js';
import type { Op } from './op.js';

export const groupDelete: Op<'groupDelete'> = async (ctx, input) => {
  assertAdmin(await principal(ctx, input.sessionId));
  ctx.users.assertWritable();
  await ctx.storage.groups.deleteGroup((await groupByName(ctx, input.name)).id);
  return NONE;
};
