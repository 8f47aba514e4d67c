/**
 * Raw messages for a window of a FETCH, in few server calls (loadMessages): the round trip, not
 * the work, is what a message costs. Messages over PREFETCH_MAX_SIZE are left to load when used;
 * a window holds at most PREFETCH_WINDOW messages and about PREFETCH_WINDOW_BYTES. A message that
 * cannot be loaded (expunged meanwhile) is left out.
 */
import { PREFETCH_MAX_SIZE } from '../limits.js';
import type { MailStore } from '../store/types.js';

export { PREFETCH_WINDOW, PREFETCH_WINDOW_BYTES } from '../limits.js';

export async function prefetchRaw(
  store: MailStore,
  messages: ReadonlyArray<{ messageId: number; size: number }>,
): Promise<Map<number, Buffer>> {
  const ids = messages.filter((m) => m.size <= PREFETCH_MAX_SIZE).map((m) => m.messageId);
  if (ids.length === 0) return new Map();
  try {
    return await store.rawMany(ids);
  } catch {
    // The messages load one by one when used (and fail there, answered properly).
    return new Map();
  }
}
