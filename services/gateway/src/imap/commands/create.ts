/**
 * CREATE (RFC 3501 §6.3.3): missing parents are created too; a trailing delimiter is dropped.
 * New folders are mail folders (IPF.Note).
 */
import type { ImapCommandSpec } from '../context.js';
import { no } from '../errors.js';
import { DELIMITER } from '../names.js';
import { storeOf } from './common.js';

export const create: ImapCommandSpec<'CREATE'> = {
  name: 'CREATE',
  states: ['authenticated', 'selected'],
  async handle(ctx, command) {
    const store = storeOf(ctx);
    const name = command.mailbox.endsWith(DELIMITER) ? command.mailbox.slice(0, -1) : command.mailbox;
    const levels = name.split(DELIMITER);
    if (name === '' || levels.some((l) => l === '')) throw no('Invalid mailbox name.', 'CANNOT');
    if (command.specialUse.length > 0) throw no('Special-use attributes cannot be set.', 'CANNOT');
    const tree = await ctx.tree(store, true);
    if (tree.find(name)) throw no('Mailbox already exists.', 'ALREADYEXISTS');
    let parentId: number | undefined;
    for (let i = 0; i < levels.length; i++) {
      const path = levels.slice(0, i + 1).join(DELIMITER);
      const existing = tree.find(path);
      if (existing) {
        parentId = existing.folder.folderId;
        continue;
      }
      if (i === 0 && path.toUpperCase() === 'INBOX') throw no('INBOX exists.', 'ALREADYEXISTS');
      parentId = (await store.createFolder(parentId, levels[i] as string)).folderId;
    }
    await ctx.tree(store, true);
    return { text: 'CREATE completed.' };
  },
};
