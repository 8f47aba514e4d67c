/**
 * EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE (RFC 4315): delete the messages flagged \Deleted (of
 * the given UIDs), then report each removal as EXPUNGE.
 */
import type { ImapCommandSpec } from '../context.js';
import { storeOf, writableOf } from './common.js';

export const expunge: ImapCommandSpec<'EXPUNGE'> = {
  name: 'EXPUNGE',
  states: ['selected'],
  async handle(ctx, command) {
    const mailbox = writableOf(ctx);
    await mailbox.handle.refresh();
    const wanted = command.sequenceSet
      ? new Set(mailbox.resolve(command.sequenceSet, true).map((r) => r.entry.uid))
      : undefined;
    const ids = mailbox.handle
      .messages()
      .filter((m) => m.flags.includes('\\Deleted') && (!wanted || wanted.has(m.uid)))
      .map((m) => m.messageId);
    if (ids.length > 0) {
      await storeOf(ctx).deleteMessages(ids);
      await mailbox.handle.refresh();
    }
    // RFC 7162 §3.2.7: with QRESYNC on, the tagged OK carries the mailbox's new HIGHESTMODSEQ.
    return { ...(ctx.qresync ? { code: `HIGHESTMODSEQ ${mailbox.highestModseq()}` } : {}), text: 'EXPUNGE completed.' };
  },
};
