/**
 * APPEND (RFC 3501 §6.3.11) with flags and date, APPENDUID (RFC 4315). The size limit
 * (imap_max_messagesize) is enforced by the framer before the literal is read. Appending to the
 * selected mailbox reports the new message (EXISTS) before the tagged OK.
 */
import type { ImapCommandSpec } from '../context.js';
import { no } from '../errors.js';
import { mailboxOf, storeOf } from './common.js';

export const append: ImapCommandSpec<'APPEND'> = {
  name: 'APPEND',
  states: ['authenticated', 'selected'],
  async handle(ctx, command) {
    const store = storeOf(ctx);
    const entry = await mailboxOf(ctx, command.mailbox, true);
    const uids: number[] = [];
    for (const m of command.messages) {
      if (m.data.length > ctx.settings.maxMessageSize) throw no('Message too big.', 'TOOBIG');
      if (m.data.length === 0) throw no('Empty message.', 'CANNOT');
      const r = await store.append(entry.folder.folderId, {
        raw: m.data,
        flags: m.flags.filter((f) => f !== '\\Recent'),
        ...(m.internalDate ? { internalDate: m.internalDate.date } : {}),
      });
      uids.push(r.uid);
    }
    if (ctx.state.kind === 'selected' && ctx.state.mailbox.folder.folderId === entry.folder.folderId)
      await ctx.state.mailbox.handle.refresh();
    return { code: `APPENDUID ${entry.folder.uidValidity} ${uids.join(',')}`, text: 'APPEND completed.' };
  },
};
