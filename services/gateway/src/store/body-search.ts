/**
 * SEARCH BODY/TEXT for a window of messages: which of the search's texts each body contains
 * (@kgc/mapi bodyTextMatcher). Bodies in the gateway's cache are searched here; the others where
 * they are stored (searchBodies), for the texts within the API's limits that XML carries
 * unchanged. The rest, and everything when the server is older, is searched here on bodies
 * loaded in byte-bounded groups.
 */
import { bodyTextMatcher } from '@kgc/mapi';
import { type Input, type Output, SEARCH_BODIES_LIMITS, sanitizeString } from '@kgc/soap';
import { PREFETCH_MAX_SIZE, SEARCH_BODIES_BATCH, SEARCH_HERE_BYTES } from '../limits.js';
import { StoreError } from './types.js';

/** What the search needs from the store. */
export interface BodySearchDeps {
  /** A body in the gateway's cache. */
  cached(messageId: number): Buffer | undefined;
  /** What the server offers (searchBodies false once an older server refused it). */
  server: { searchBodies: boolean };
  searchBodies(input: Omit<Input<'searchBodies'>, 'sessionId'>): Promise<Output<'searchBodies'>>;
  rawMany(messageIds: readonly number[]): Promise<Map<number, Buffer>>;
  raw(messageId: number): Promise<Buffer>;
}

export async function bodyMatches(
  deps: BodySearchDeps,
  messages: ReadonlyArray<{ messageId: number; size: number }>,
  texts: readonly string[],
): Promise<Map<number, ReadonlySet<string>>> {
  const out = new Map<number, Set<string>>();
  const matches = bodyTextMatcher(texts);
  const remote: Array<{ messageId: number; size: number }> = [];
  for (const m of messages) {
    const cached = deps.cached(m.messageId);
    if (cached) out.set(m.messageId, new Set(matches(cached)));
    else remote.push(m);
  }
  if (remote.length === 0) return out;
  // The server is asked for the texts within the API's limits that XML carries unchanged (it
  // cannot carry most C0 controls); the others are searched here.
  const askable = texts.filter((t) => t.length <= SEARCH_BODIES_LIMITS.textLength && sanitizeString(t) === t);
  let here = texts.filter((t) => !askable.includes(t));
  if (askable.length > 0 && deps.server.searchBodies) {
    try {
      await searchOnServer(deps, remote, askable, out);
    } catch (e) {
      if (!(e instanceof StoreError && e.kind === 'invalid')) throw e;
      // An older server: no such operation (our calls stay within its limits).
      deps.server.searchBodies = false;
      here = [...texts];
    }
  } else here = [...texts];
  if (here.length > 0) await searchHere(deps, remote, here, out);
  return out;
}

/** searchBodies calls (ids and texts split to the API's limits), side by side. */
async function searchOnServer(
  deps: BodySearchDeps,
  messages: ReadonlyArray<{ messageId: number }>,
  texts: readonly string[],
  out: Map<number, Set<string>>,
): Promise<void> {
  const calls: Array<Promise<void>> = [];
  const idsPer = Math.min(SEARCH_BODIES_BATCH, SEARCH_BODIES_LIMITS.messages);
  for (let i = 0; i < messages.length; i += idsPer) {
    const ids = messages.slice(i, i + idsPer).map((m) => m.messageId);
    for (let k = 0; k < texts.length; k += SEARCH_BODIES_LIMITS.texts) {
      const part = texts.slice(k, k + SEARCH_BODIES_LIMITS.texts);
      calls.push(
        deps.searchBodies({ messageIds: ids, texts: part }).then((r) => {
          const gone = new Set(r.missing);
          for (const id of ids) if (!gone.has(id) && !out.has(id)) out.set(id, new Set());
          for (const m of r.matches) {
            const text = part[m.textIndex];
            if (text === undefined) continue;
            for (const id of m.messageIds) out.get(id)?.add(text);
          }
        }),
      );
    }
  }
  await Promise.all(calls);
}

/**
 * The bodies come here to be searched: small ones in groups of at most SEARCH_HERE_BYTES (each
 * group's bodies dropped before the next loads), larger ones one at a time.
 */
async function searchHere(
  deps: BodySearchDeps,
  messages: ReadonlyArray<{ messageId: number; size: number }>,
  texts: readonly string[],
  out: Map<number, Set<string>>,
): Promise<void> {
  const matches = bodyTextMatcher(texts);
  const record = (id: number, raw: Buffer) => {
    const set = out.get(id) ?? new Set<string>();
    for (const t of matches(raw)) set.add(t);
    out.set(id, set);
  };
  let group: number[] = [];
  let bytes = 0;
  const flush = async () => {
    for (const [id, raw] of await deps.rawMany(group)) record(id, raw);
    group = [];
    bytes = 0;
  };
  for (const m of messages) {
    if (m.size > PREFETCH_MAX_SIZE) {
      const raw = await deps.raw(m.messageId).catch((e: unknown) => {
        if (e instanceof StoreError && e.kind === 'not-found') return undefined;
        throw e;
      });
      if (raw) record(m.messageId, raw);
      continue;
    }
    if (group.length > 0 && bytes + m.size > SEARCH_HERE_BYTES) await flush();
    group.push(m.messageId);
    bytes += m.size;
  }
  if (group.length > 0) await flush();
}
