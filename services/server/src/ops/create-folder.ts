import { KcError } from '@kgc/soap';
import { assertStoreAccess } from '../auth/principal.js';
import { accessFolder, announce, principal } from './common.js';
import { folderOut } from './convert.js';
import type { Op } from './op.js';

export const createFolder: Op<'createFolder'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  assertStoreAccess(p, input.storeId);
  if (input.parentId !== undefined) {
    const parent = await accessFolder(ctx, p, input.parentId);
    if (parent.storeId !== input.storeId)
      throw new KcError('KCERR_INVALID_PARAMETER', 'the parent is in another store');
  }
  const store = await ctx.storage.stores.getStore(input.storeId);
  const parentId = input.parentId ?? store.rootFolderId;
  const r = await ctx.storage.folders.createFolder({
    parentId,
    name: input.name,
    containerClass: input.containerClass ?? null,
  });
  announce(ctx, r.changes);
  return { folder: folderOut(r.folder, store.rootFolderId) };
};
