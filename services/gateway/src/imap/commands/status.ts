/**
 * STATUS (RFC 3501 §6.3.10): from the server's counters in one call; RECENT is 0 (\Recent is per
 * session). HIGHESTMODSEQ is refused (CONDSTORE is not offered).
 */
import type { ImapCommandSpec } from '../context.js';
import { bad } from '../errors.js';
import { mailboxName } from '../wire.js';
import { mailboxOf, storeOf } from './common.js';

export const status: ImapCommandSpec<'STATUS'> = {
  name: 'STATUS',
  states: ['authenticated', 'selected'],
  async handle(ctx, command) {
    if (command.items.includes('HIGHESTMODSEQ')) throw bad('HIGHESTMODSEQ needs CONDSTORE, which is not offered.');
    const entry = await mailboxOf(ctx, command.mailbox);
    const f = await storeOf(ctx).folderStatus(entry.folder.folderId);
    const values: Record<string, number> = {
      MESSAGES: f.messages,
      RECENT: 0,
      UIDNEXT: f.uidNext,
      UIDVALIDITY: f.uidValidity,
      UNSEEN: f.unseen,
    };
    const items = command.items.map((i) => `${i} ${values[i]}`).join(' ');
    await ctx.send(Buffer.concat([Buffer.from('* STATUS '), mailboxName(entry.name), Buffer.from(` (${items})\r\n`)]));
    return { text: 'STATUS completed.' };
  },
};
