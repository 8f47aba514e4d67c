import { accessFolder, accessMessagePlaces, announce, principal } from './common.js';
import type { Op } from './op.js';

/** Copy or move; into a folder of the caller's store (or, for a service, any store). Hard quota applies. */
export const copyObjects: Op<'copyObjects'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  await accessFolder(ctx, p, input.destFolderId);
  await accessMessagePlaces(ctx, p, input.messageIds);
  const r = input.move
    ? await ctx.storage.messages.moveMessages(input.messageIds, input.destFolderId)
    : await ctx.storage.messages.copyMessages(input.messageIds, input.destFolderId);
  announce(ctx, r.changes);
  return {
    results: r.copied.map((c) => ({ sourceId: c.sourceId, sourceUid: c.sourceUid, messageId: c.id, uid: c.uid })),
  };
};
