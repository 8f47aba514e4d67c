/**
 * finishedMessage(s) with doSentMail: the entries leave the queue and their messages move to the
 * owner's Sent Items (or are deleted, deleteAfterSubmit) in one transaction. A message already in
 * Sent Items (SMTP submission) stays; one the user deleted meanwhile only leaves the queue.
 */
import type { ServerContext } from '../context.js';
import type { StoreChange } from '../storage/journal.js';
import { QueueFlag } from '../storage/queue.js';
import { announce } from './common.js';

/** The queue ids finished (those still leased to `owner`). */
export async function finishOutgoing(
  ctx: ServerContext,
  owner: string,
  queueIds: readonly number[],
  doSentMail: boolean,
): Promise<number[]> {
  if (queueIds.length === 0) return [];
  if (!doSentMail) return (await ctx.storage.queue.finishMany(queueIds, owner)).map((e) => e.id);
  const { finished, changes } = await ctx.storage.withTransaction(async (tx) => {
    const entries = await tx.queue.finishMany(queueIds, owner);
    const changes: StoreChange[] = [];
    const messages = new Map(
      (await tx.messages.getMessages(entries.map((e) => e.messageId))).map((m) => [m.id, m] as const),
    );
    const toDelete: number[] = [];
    const toMove = new Map<number, number[]>();
    for (const e of entries) {
      const m = messages.get(e.messageId);
      if (!m) continue;
      if ((e.flags & QueueFlag.DeleteAfterSubmit) !== 0) toDelete.push(m.id);
      else toMove.set(m.storeId, [...(toMove.get(m.storeId) ?? []), m.id]);
    }
    if (toDelete.length > 0) changes.push(...(await tx.messages.deleteMessages(toDelete)).changes);
    for (const [storeId, ids] of toMove) {
      const sent = await tx.folders.findFolderByRole(storeId, 'sent');
      const move = ids.filter((id) => sent && messages.get(id)?.folderId !== sent.id);
      if (sent && move.length > 0) changes.push(...(await tx.messages.moveMessages(move, sent.id)).changes);
    }
    return { finished: entries.map((e) => e.id), changes };
  });
  announce(ctx, changes);
  return finished;
}
