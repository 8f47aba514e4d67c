import { KcError } from '@kgc/soap';
import { accessFolder, announce, NONE, principal } from './common.js';
import type { Op } from './op.js';

export const deleteFolder: Op<'deleteFolder'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const folder = await accessFolder(ctx, p, input.folderId);
  if (folder.role !== null) throw new KcError('KCERR_NO_ACCESS', `${folder.name} is a default folder and cannot be deleted`);
  const r = await ctx.storage.folders.deleteFolder(input.folderId);
  announce(ctx, r.changes);
  return NONE;
};
