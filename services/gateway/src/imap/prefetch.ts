/**
 * Raw messages for a window of a FETCH, in few server calls (loadMessages): the round trip, not
 * the work, is what a message costs. Messages over PREFETCH_MAX_SIZE are left to load when used;
 * a window holds at most PREFETCH_WINDOW messages and about PREFETCH_WINDOW_BYTES. A message that
 * cannot be loaded (expunged meanwhile) is left out.
 */
import { PREFETCH_MAX_SIZE, PREFETCH_WINDOW, PREFETCH_WINDOW_BYTES } from '../limits.js';
import type { MailStore } from '../store/types.js';
import type { ViewEntry } from './selected.js';

async function prefetchRaw(
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

/** Bodies asked for ahead: the window ends before `end` of its list; `ids` are those asked for. */
export interface BodyWindow {
  end: number;
  ids: ReadonlySet<number>;
  raws: Promise<Map<number, Buffer>>;
}

/**
 * The window of `list` from `start`: PREFETCH_WINDOW messages or PREFETCH_WINDOW_BYTES of bodies
 * (those `needs` says need their bytes; larger than PREFETCH_MAX_SIZE ones load when used).
 */
export function bodyWindow(
  store: MailStore,
  list: ReadonlyArray<{ entry: ViewEntry }>,
  start: number,
  needs: (x: { entry: ViewEntry }) => boolean,
): BodyWindow {
  const entries: ViewEntry[] = [];
  let bytes = 0;
  let end = start;
  for (; end < list.length && end - start < PREFETCH_WINDOW && bytes < PREFETCH_WINDOW_BYTES; end++) {
    const x = list[end] as { entry: ViewEntry };
    if (!needs(x)) continue;
    entries.push(x.entry);
    if (x.entry.size <= PREFETCH_MAX_SIZE) bytes += x.entry.size;
  }
  return {
    end,
    ids: new Set(entries.map((e) => e.messageId)),
    raws: entries.length > 0 ? prefetchRaw(store, entries) : Promise.resolve(new Map()),
  };
}
