/**
 * STATUS (RFC 3501 §6.3.10, HIGHESTMODSEQ RFC 7162 §3.1.10): from the server's counters in one
 * call; RECENT is 0 (\Recent is per session).
 */
import type { ImapCommandSpec } from '../context.js';
import { mailboxName } from '../wire.js';
import { mailboxOf, storeOf } from './common.js';

export const status: ImapCommandSpec<'STATUS'> = {
  name: 'STATUS',
  states: ['authenticated', 'selected'],
  async handle(ctx, command) {
    const entry = await mailboxOf(ctx, command.mailbox);
    const f = await storeOf(ctx).folderStatus(entry.folder.folderId);
    const values: Record<string, number> = {
      MESSAGES: f.messages,
      RECENT: 0,
      UIDNEXT: f.uidNext,
      UIDVALIDITY: f.uidValidity,
      UNSEEN: f.unseen,
      HIGHESTMODSEQ: f.highestModseq,
    };
    const items = command.items.map((i) => `${i} ${values[i]}`).join(' ');
    await ctx.send(Buffer.concat([Buffer.from('* STATUS '), mailboxName(entry.name), Buffer.from(` (${items})\r\n`)]));
    return { text: 'STATUS completed.' };
  },
};
