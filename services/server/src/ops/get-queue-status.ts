import { assertService } from '../auth/principal.js';
import { principal } from './common.js';
import type { Op } from './op.js';

/** The outgoing queue at a glance, for the spooler's queue-depth metric. */
export const getQueueStatus: Op<'getQueueStatus'> = async (ctx, input) => {
  assertService(await principal(ctx, input.sessionId));
  return ctx.storage.queue.counts();
};
