import { setImmediate } from 'node:timers/promises';
import { bodyTextMatcher } from '@kgc/mapi';
import { KcError } from '@kgc/soap';
import {
  MAX_CONCURRENT_SEARCHES,
  MAX_SEARCH_BODIES,
  MAX_SEARCH_TEXT_LENGTH,
  MAX_SEARCH_TEXTS,
  SEARCH_GROUP_BYTES,
  SEARCH_GROUP_MESSAGES,
  SEARCH_MEMORY_BYTES,
} from '../limits.js';
import { ByteBudget, Semaphore } from '../semaphore.js';
import { mayReadStore, principal } from './common.js';
import type { Op } from './op.js';

/** Longest stretch of searching without letting other requests run. */
const YIELD_AFTER_MS = 10;

/** The calls of the whole process searching at once, and the message bytes they hold together. */
const searching = new Semaphore(MAX_CONCURRENT_SEARCHES);
const searchMemory = new ByteBudget(SEARCH_MEMORY_BYTES);

/**
 * SEARCH BODY where the messages are: the gateway sends ids and texts, not the bodies over the wire.
 * The bytes are read in groups of at most SEARCH_GROUP_BYTES (a larger message alone), the next group
 * reading while this one is searched, so a call holds two groups at most however large its messages
 * (storage rawMessageGroups). At most MAX_CONCURRENT_SEARCHES calls of the process search at once,
 * holding at most SEARCH_MEMORY_BYTES of messages together (a larger message is read when nothing
 * else is held); the others wait their turn: memory stays bounded whatever the clients do.
 * Matching is @kgc/mapi's bodyTextMatcher, the gateway's own for the bodies it holds.
 */
export const searchBodies: Op<'searchBodies'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  if (input.messageIds.length > MAX_SEARCH_BODIES)
    throw new KcError('KCERR_INVALID_PARAMETER', `at most ${MAX_SEARCH_BODIES} messages per call`);
  if (input.texts.length > MAX_SEARCH_TEXTS)
    throw new KcError('KCERR_INVALID_PARAMETER', `at most ${MAX_SEARCH_TEXTS} texts per call`);
  if (input.texts.some((t) => t.length > MAX_SEARCH_TEXT_LENGTH))
    throw new KcError('KCERR_INVALID_PARAMETER', `texts are at most ${MAX_SEARCH_TEXT_LENGTH} characters`);
  const texts = [...new Set(input.texts)];
  const wanted = [...new Set(input.messageIds)];
  if (wanted.length === 0 || texts.length === 0) return { matches: [], missing: [] };

  return searching.run(async () => {
    const hits = new Map<string, number[]>(texts.map((t) => [t, []]));
    const matches = bodyTextMatcher(texts);
    const searched = new Set<number>();
    const groups = ctx.storage.messages.rawMessageGroups(wanted, {
      maxBytes: SEARCH_GROUP_BYTES,
      maxCount: SEARCH_GROUP_MESSAGES,
      accept: (storeId) => mayReadStore(p, storeId),
      reserve: (bytes) => searchMemory.take(bytes),
    });
    let since = performance.now();
    for await (const group of groups) {
      for (const m of group) {
        if (!m.mime) continue;
        searched.add(m.id);
        for (const t of matches(m.mime)) hits.get(t)?.push(m.id);
        // Other requests' turn now and then: a group of large bodies is searched in many steps.
        if (performance.now() - since > YIELD_AFTER_MS) {
          await setImmediate();
          since = performance.now();
        }
      }
    }
    return {
      matches: input.texts.flatMap((text, textIndex) => {
        const messageIds = hits.get(text) ?? [];
        return messageIds.length > 0 ? [{ textIndex, messageIds }] : [];
      }),
      missing: wanted.filter((id) => !searched.has(id)),
    };
  });
};
