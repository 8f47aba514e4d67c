import { accessFolder, announce, NONE, principal } from './common.js';
import type { Op } from './op.js';

export const setFolderSubscribed: Op<'setFolderSubscribed'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  await accessFolder(ctx, p, input.folderId);
  const r = await ctx.storage.folders.updateFolder(input.folderId, { subscribed: input.subscribed });
  announce(ctx, r.changes);
  return NONE;
};
