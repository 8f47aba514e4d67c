/**
 * STATUS (RFC 3501 §6.3.10, HIGHESTMODSEQ RFC 7162 §3.1.10): from the server's counters in one
 * call; RECENT is 0 (\Recent is per session).
 */
import type { ImapCommandSpec } from '../context.js';
import { mailboxOf, statusLine, storeOf } from './common.js';

export const status: ImapCommandSpec<'STATUS'> = {
  name: 'STATUS',
  states: ['authenticated', 'selected'],
  async handle(ctx, command) {
    // RFC 7162 §3.1: STATUS (HIGHESTMODSEQ) is a CONDSTORE enabling command.
    if (command.items.includes('HIGHESTMODSEQ')) await ctx.enableCondstore();
    const entry = await mailboxOf(ctx, command.mailbox);
    const f = await storeOf(ctx).folderStatus(entry.folder.folderId);
    await ctx.send(statusLine(entry.name, f, command.items));
    return { text: 'STATUS completed.' };
  },
};
