import { KcError } from '@kgc/soap';
import type { ServerContext } from '../context.js';
import type { FolderRecord } from '../storage/folder-types.js';
import { accessFolder, announce, principal } from './common.js';
import { folderOut } from './convert.js';
import type { Op } from './op.js';

/** KCERR_INVALID_TYPE (docs/soap-faults.md) when `parent` is `folderId` or one of its descendants. */
async function assertNotBelowItself(ctx: ServerContext, folderId: number, parent: FolderRecord): Promise<void> {
  let f: FolderRecord = parent;
  for (;;) {
    if (f.id === folderId)
      throw new KcError('KCERR_INVALID_TYPE', 'a folder cannot be moved into itself or a descendant');
    if (f.parentId === null) return;
    f = await ctx.storage.folders.getFolder(f.parentId);
  }
}

/** Rename and/or move. newParentId 0 moves the folder to the top level. */
export const copyFolder: Op<'copyFolder'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const folder = await accessFolder(ctx, p, input.folderId);
  if (input.newParentId === undefined && input.newName === undefined) {
    throw new KcError('KCERR_INVALID_PARAMETER', 'give newName and/or newParentId');
  }
  if (input.newParentId !== undefined && input.newParentId !== 0) {
    const parent = await accessFolder(ctx, p, input.newParentId);
    if (parent.storeId !== folder.storeId) throw new KcError('KCERR_NO_SUPPORT', 'folders move only within a store');
    await assertNotBelowItself(ctx, folder.id, parent);
  }
  const store = await ctx.storage.stores.getStore(folder.storeId);
  const parentId = input.newParentId === 0 ? store.rootFolderId : input.newParentId;
  const r = await ctx.storage.folders.updateFolder(input.folderId, {
    ...(input.newName !== undefined ? { name: input.newName } : {}),
    ...(parentId !== undefined ? { parentId } : {}),
  });
  announce(ctx, r.changes);
  return { folder: folderOut(r.folder, store.rootFolderId) };
};
