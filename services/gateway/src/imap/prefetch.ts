/**
 * Raw messages for a batch, loaded a few at a time in parallel: the server round trip, not the
 * work, is what a message costs, so SEARCH over bodies and FETCH of many bodies overlap them.
 * A message that cannot be loaded (expunged meanwhile) is left out.
 */
import { PREFETCH_CONCURRENCY, PREFETCH_MAX_SIZE } from '../limits.js';
import type { MailStore } from '../store/types.js';

export { PREFETCH_WINDOW } from '../limits.js';

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
