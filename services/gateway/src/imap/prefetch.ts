/**
 * Raw messages for a batch, loaded a few at a time in parallel: the server round trip, not the
 * work, is what a message costs, so SEARCH over bodies and FETCH of many bodies overlap them.
 * A message that cannot be loaded (expunged meanwhile) is left out.
 */
import type { MailStore } from '../store/types.js';

/** Concurrent loadObject calls of one session. */
export const PREFETCH_CONCURRENCY = 8;
/** Messages per prefetch window, and the largest one prefetched (bigger ones load when used): memory stays bounded. */
export const PREFETCH_WINDOW = 32;
export const PREFETCH_MAX_SIZE = 256 * 1024;

export async function prefetchRaw(
  store: MailStore,
  messages: ReadonlyArray<{ messageId: number; size: number }>,
): Promise<Map<number, Buffer>> {
  const out = new Map<number, Buffer>();
  const messageIds = messages.filter((m) => m.size <= PREFETCH_MAX_SIZE).map((m) => m.messageId);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= messageIds.length) return;
      const id = messageIds[i] as number;
      try {
        out.set(id, await store.raw(id));
      } catch {
        // gone: the caller answers without it
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PREFETCH_CONCURRENCY, messageIds.length) }, worker));
  return out;
}
