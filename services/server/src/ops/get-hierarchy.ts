import { assertStoreAccess } from '../auth/principal.js';
import { principal } from './common.js';
import { folderOut } from './convert.js';
import type { Op } from './op.js';

export const getHierarchy: Op<'getHierarchy'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  assertStoreAccess(p, input.storeId);
  const store = await ctx.storage.stores.getStore(input.storeId);
  const folders = await ctx.storage.folders.listFolders(input.storeId);
  return { folders: folders.filter((f) => f.parentId !== null).map((f) => folderOut(f, store.rootFolderId)) };
};
