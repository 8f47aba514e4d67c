/**
 * DELETE (RFC 3501 §6.3.4): not INBOX, not a special folder (KGC), not a mailbox with children
 * (they would go with it: the store deletes subtrees), not the selected one of this session.
 */
import type { ImapCommandSpec } from '../context.js';
import { no } from '../errors.js';
import { mailboxOf, storeOf } from './common.js';

export const del: ImapCommandSpec<'DELETE'> = {
  name: 'DELETE',
  states: ['authenticated', 'selected'],
  async handle(ctx, command) {
    const store = storeOf(ctx);
    const entry = await mailboxOf(ctx, command.mailbox);
    if (entry.folder.specialUse) throw no('Special mailboxes cannot be deleted.', 'CANNOT');
    if (entry.hasChildren) throw no('Mailbox has children, delete them first.', 'INUSE');
    if (ctx.state.kind === 'selected' && ctx.state.mailbox.folder.folderId === entry.folder.folderId)
      throw no('Mailbox is selected.', 'INUSE');
    await store.deleteFolder(entry.folder.folderId);
    await ctx.tree(store, true);
    return { text: 'DELETE completed.' };
  },
};
