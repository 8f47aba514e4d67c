import { accessMessagePlaces, announce, principal } from './common.js';
import type { Op } from './op.js';

export const deleteObjects: Op<'deleteObjects'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  await accessMessagePlaces(ctx, p, input.messageIds);
  const r = await ctx.storage.messages.deleteMessages(input.messageIds);
  announce(ctx, r.changes);
  return { modseq: Math.max(0, ...r.changes.map((c) => c.modseq)) };
};
