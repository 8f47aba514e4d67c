/** CLOSE (RFC 3501 §6.4.2): expunge \Deleted silently (not when EXAMINEd), then leave. UNSELECT (RFC 3691): leave. */
import type { ImapCommandSpec } from '../context.js';
import { selectedOf, storeOf } from './common.js';

export const close: ImapCommandSpec<'CLOSE'> = {
  name: 'CLOSE',
  states: ['selected'],
  async handle(ctx) {
    const mailbox = selectedOf(ctx);
    const store = storeOf(ctx);
    if (!mailbox.readOnly) {
      await mailbox.handle.refresh();
      const ids = mailbox.handle
        .messages()
        .filter((m) => m.flags.includes('\\Deleted'))
        .map((m) => m.messageId);
      await store.deleteMessages(ids);
    }
    ctx.select(undefined);
    return { text: 'CLOSE completed.' };
  },
};

export const unselect: ImapCommandSpec<'UNSELECT'> = {
  name: 'UNSELECT',
  states: ['selected'],
  async handle(ctx) {
    ctx.select(undefined);
    return { text: 'UNSELECT completed.' };
  },
};
