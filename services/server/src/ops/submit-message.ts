import { subjects } from '@kgc/bus';
import { QueueFlag } from '../storage/queue.js';
import { accessMessages, principal } from './common.js';
import type { Op } from './op.js';

/** Queues a message for the spooler; KCERR_STORE_FULL at soft or hard quota (KGC). */
export const submitMessage: Op<'submitMessage'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const [m] = await accessMessages(ctx, p, [input.messageId]);
  const entry = await ctx.storage.queue.enqueue({
    messageId: input.messageId,
    ...(p.kind === 'user' ? { userId: p.userId } : {}),
    flags: input.deleteAfterSubmit ? QueueFlag.DeleteAfterSubmit : 0,
    ...(input.deferredUntil ? { deferredUntil: input.deferredUntil.getTime() } : {}),
  });
  // The queue row is the truth; the notice only wakes a spooler early (it also rescans).
  ctx.bus
    .enqueue(subjects.mailSubmitted, { storeId: m?.storeId ?? entry.storeId, queueId: entry.id })
    .catch((err: unknown) => {
      ctx.log.warn(
        { err, queueId: entry.id },
        'could not announce a submitted message; the spooler rescan picks it up',
      );
    });
  return { queueId: entry.id };
};
