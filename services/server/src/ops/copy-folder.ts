import { KcError } from '@kgc/soap';
import { accessFolder, announce, principal } from './common.js';
import { folderOut } from './convert.js';
import type { Op } from './op.js';

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
