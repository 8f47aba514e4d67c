import { accessFolder, principal } from './common.js';
import { folderOut } from './convert.js';
import type { Op } from './op.js';

export const getFolderStatus: Op<'getFolderStatus'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const folder = await accessFolder(ctx, p, input.folderId);
  const store = await ctx.storage.stores.getStore(folder.storeId);
  return { folder: folderOut(folder, store.rootFolderId) };
};
