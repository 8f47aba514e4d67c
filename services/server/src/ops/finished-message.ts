import { KcError } from '@kgc/soap';
import { assertService } from '../auth/principal.js';
import type { StoreChange } from '../storage/journal.js';
import { QueueFlag } from '../storage/queue.js';
import { announce, NONE, principal } from './common.js';
import type { Op } from './op.js';

const gone = () => new KcError('KCERR_NOT_FOUND', 'no such queue entry leased by this owner');

/**
 * KGC finishedMessage, and with doSentMail KGC's DoSentMail in the same transaction: the message
 * moves to the owner's Sent Items (stays, when it is there already) or is deleted
 * (deleteAfterSubmit). One commit for both, so a sent message is never left queued once moved,
 * nor moved while still queued. A message the user deleted meanwhile only leaves the queue.
 */
export const finishedMessage: Op<'finishedMessage'> = async (ctx, input) => {
  assertService(await principal(ctx, input.sessionId));
  if (!input.doSentMail) {
    if (!(await ctx.storage.queue.finish(input.queueId, input.owner))) throw gone();
    return NONE;
  }
  const changes = await ctx.storage.withTransaction(async (tx) => {
    const entry = await tx.queue.getEntry(input.queueId);
    if (!entry || entry.leaseOwner !== input.owner || !(await tx.queue.finish(input.queueId, input.owner)))
      throw gone();
    const [message] = await tx.messages.getMessages([entry.messageId]);
    if (!message) return [] as StoreChange[];
    if ((entry.flags & QueueFlag.DeleteAfterSubmit) !== 0) {
      return (await tx.messages.deleteMessages([message.id])).changes;
    }
    const sent = await tx.folders.findFolderByRole(message.storeId, 'sent');
    if (!sent || sent.id === message.folderId) return [] as StoreChange[];
    return (await tx.messages.moveMessages([message.id], sent.id)).changes;
  });
  announce(ctx, changes);
  return NONE;
};
