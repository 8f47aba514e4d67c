import { KcError } from '@kgc/soap';
import { assertService } from '../auth/principal.js';
import { MAX_DEFER_SECONDS } from '../limits.js';
import { NONE, principal } from './common.js';
import type { Op } from './op.js';

export const deferMessage: Op<'deferMessage'> = async (ctx, input) => {
  assertService(await principal(ctx, input.sessionId));
  if (input.delaySeconds < 0 || input.delaySeconds > MAX_DEFER_SECONDS) {
    throw new KcError('KCERR_INVALID_PARAMETER', `delaySeconds must be 0..${MAX_DEFER_SECONDS}`);
  }
  const r = await ctx.storage.queue.defer(input.queueId, input.owner, { delayMs: input.delaySeconds * 1000 });
  if (!r) throw new KcError('KCERR_NOT_FOUND', 'no such queue entry leased by this owner');
  return NONE;
};
