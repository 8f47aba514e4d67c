import { accessMessagePlaces, announce, mayReadStore, principal } from './common.js';
import type { Op } from './op.js';

/**
 * Expunges messages. A client that deletes what it saw (POP3's QUIT, IMAP's EXPUNGE) may find some
 * already gone, expunged by another client meanwhile: with `skipMissing` those, and any out of the
 * caller's reach (told apart from gone ones by nothing), are left out and the rest are deleted;
 * without it, one such id fails the whole call (KCERR_NOT_FOUND) and nothing is deleted.
 */
export const deleteObjects: Op<'deleteObjects'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  let ids = input.messageIds;
  if (input.skipMissing) {
    const places = await ctx.storage.messages.messagePlaces(ids);
    ids = places.filter((m) => mayReadStore(p, m.storeId)).map((m) => m.id);
    if (ids.length === 0) return { modseq: 0 };
  } else await accessMessagePlaces(ctx, p, ids);
  const r = await ctx.storage.messages.deleteMessages(ids);
  announce(ctx, r.changes);
  return { modseq: Math.max(0, ...r.changes.map((c) => c.modseq)) };
};
