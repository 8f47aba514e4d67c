import { subjects } from '@kgc/bus';
import { QueueFlag } from '../storage/queue.js';
import { accessMessages, principal } from './common.js';
import type { Op } from './op.js';

/** The message property a MAPI client sets for deferred sending (WebApp's "send later"). */
export const DEFERRED_SEND_TIME = 'PR_DEFERRED_SEND_TIME';

/**
 * Queues a message for the spooler; KCERR_STORE_FULL at soft or hard quota (KGC). Not sent before
 * `deferredUntil`, or else the message's PR_DEFERRED_SEND_TIME (a date property), as KGC does.
 */
export const submitMessage: Op<'submitMessage'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const [m] = await accessMessages(ctx, p, [input.messageId]);
  let deferredUntil = input.deferredUntil?.getTime();
  if (deferredUntil === undefined) {
    const [props] = await ctx.storage.properties.getProperties(
      [{ type: 'message', id: input.messageId }],
      [DEFERRED_SEND_TIME],
    );
    const v = props?.[DEFERRED_SEND_TIME];
    if (v?.type === 'date') deferredUntil = v.value.getTime();
  }
  const entry = await ctx.storage.queue.enqueue({
    messageId: input.messageId,
    ...(p.kind === 'user' ? { userId: p.userId } : {}),
    flags: input.deleteAfterSubmit ? QueueFlag.DeleteAfterSubmit : 0,
    ...(deferredUntil !== undefined ? { deferredUntil } : {}),
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
