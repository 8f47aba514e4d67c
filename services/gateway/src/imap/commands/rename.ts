/**
 * RENAME (RFC 3501 §6.3.5): moves the folder (with its children) to the new name, creating
 * missing parents. Renaming INBOX moves its messages into a new mailbox and leaves INBOX empty.
 */
import type { MailStore } from '../../store/types.js';
import type { ImapCommandSpec } from '../context.js';
import { no } from '../errors.js';
import { DELIMITER, type MailboxTree, splitName } from '../names.js';
import { mailboxOf, storeOf } from './common.js';

async function ensureParent(store: MailStore, tree: MailboxTree, parent: string): Promise<number | undefined> {
  if (parent === '') return undefined;
  let parentId: number | undefined;
  const levels = parent.split(DELIMITER);
  for (let i = 0; i < levels.length; i++) {
    const existing = tree.find(levels.slice(0, i + 1).join(DELIMITER));
    parentId = existing ? existing.folder.folderId : (await store.createFolder(parentId, levels[i] as string)).folderId;
  }
  return parentId;
}

export const rename: ImapCommandSpec<'RENAME'> = {
  name: 'RENAME',
  states: ['authenticated', 'selected'],
  async handle(ctx, command) {
    const store = storeOf(ctx);
    const from = await mailboxOf(ctx, command.from);
    const to = command.to.endsWith(DELIMITER) ? command.to.slice(0, -1) : command.to;
    if (to === '' || to.split(DELIMITER).some((l) => l === '')) throw no('Invalid mailbox name.', 'CANNOT');
    const tree = await ctx.tree(store, true);
    if (tree.find(to)) throw no('Mailbox already exists.', 'ALREADYEXISTS');
    // Renaming INBOX moves its messages, not the folder: INBOX/old is a fine target (§6.3.5).
    if (from.name !== 'INBOX' && (to === from.name || to.startsWith(`${from.name}${DELIMITER}`)))
      throw no('Cannot move a mailbox into itself.', 'CANNOT');
    const { parent, leaf } = splitName(to);
    const parentId = await ensureParent(store, tree, parent);
    if (from.name === 'INBOX') {
      const target = await store.createFolder(parentId, leaf);
      const handle = await store.openFolder(from.folder.folderId);
      try {
        const ids = handle.messages().map((m) => m.messageId);
        if (ids.length > 0) await store.copyMessages(ids, target.folderId, true);
      } finally {
        handle.release();
      }
    } else {
      if (from.folder.specialUse) throw no('Special mailboxes cannot be renamed.', 'CANNOT');
      await store.renameFolder(from.folder.folderId, parentId, leaf);
    }
    await ctx.tree(store, true);
    return { text: 'RENAME completed.' };
  },
};
