import { principal } from './common.js';
import { groupByName, groupWithMembers } from './groups-common.js';
import type { Op } from './op.js';

export const getGroup: Op<'getGroup'> = async (ctx, input) => {
  await principal(ctx, input.sessionId);
  return { group: await groupWithMembers(ctx, await groupByName(ctx, input.name)) };
};
