import { accessFolder, announce, principal } from './common.js';
import type { Op } from './op.js';

export const emptyFolder: Op<'emptyFolder'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  const folder = await accessFolder(ctx, p, input.folderId);
  const r = await ctx.storage.folders.emptyFolder(input.folderId);
  announce(ctx, r.changes);
  return { modseq: r.changes.at(-1)?.modseq ?? folder.highestModseq };
};
