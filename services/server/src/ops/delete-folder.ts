import { KcError } from '@kgc/soap';
import { accessFolder, announce, NONE, principal } from './common.js';
import type { Op } from './op.js';

export const deleteFolder: Op<'deleteFolder'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const folder = await accessFolder(ctx, p, input.folderId);
  if (folder.role !== null)
    throw new KcError('KCERR_NO_ACCESS', `${folder.name} is a default folder and cannot be deleted`);
  // The subfolders go too: a default folder moved below this one must not be deleted with it.
  const all = await ctx.storage.folders.listFolders(folder.storeId);
  const inTree = new Set([folder.id]);
  for (const f of all) if (f.parentId !== null && inTree.has(f.parentId)) inTree.add(f.id);
  const guarded = all.find((f) => f.role !== null && inTree.has(f.id));
  if (guarded) throw new KcError('KCERR_NO_ACCESS', `${guarded.name} is a default folder and cannot be deleted`);
  const r = await ctx.storage.folders.deleteFolder(input.folderId);
  announce(ctx, r.changes);
  return NONE;
};
