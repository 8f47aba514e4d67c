import { KcError } from '@kgc/soap';
import { assertService } from '../auth/principal.js';
import { NONE, principal } from './common.js';
import type { Op } from './op.js';

export const finishedMessage: Op<'finishedMessage'> = async (ctx, input) => {
  assertService(await principal(ctx, input.sessionId));
  if (!(await ctx.storage.queue.finish(input.queueId, input.owner))) {
    throw new KcError('KCERR_NOT_FOUND', 'no such queue entry leased by this owner');
  }
  return NONE;
};
