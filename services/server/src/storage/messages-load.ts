import type { Ctx, Runner } from './context.js';
import { notFound } from './db-errors.js';
import { toMessage } from './message-rows.js';
import type { LoadedMessage, LoadOptions, MessageRecord } from './message-types.js';
import { loadProperties } from './properties.js';
import { bufOrNull, chunks, num } from './rows.js';
import { runStatements } from './statement-batch.js';

/** Loads whole messages (columns, optionally properties and MIME bytes); missing ids are skipped. */
export async function getMessages(ctx: Ctx, ids: readonly number[], opts: LoadOptions = {}): Promise<LoadedMessage[]> {
  const byId = new Map<number, MessageRecord>();
  for (const part of chunks([...new Set(ids)])) {
    for (const r of (await ctx.db('messages').select('*').whereIn('id', part)) as Array<Record<string, unknown>>) {
      byId.set(num(r.id), toMessage(r));
    }
  }
  const props =
    opts.properties === undefined || opts.properties === false
      ? new Map()
      : await loadProperties(ctx, 'message', [...byId.keys()], opts.properties === true ? undefined : opts.properties);
  const wanted = opts.mime ? [...byId.values()].flatMap((m) => (m.blobHash ? [m.blobHash] : [])) : [];
  const bytes = wanted.length > 0 ? await ctx.env.blobs.readMany(ctx, wanted) : new Map<string, Buffer>();
  const out: LoadedMessage[] = [];
  for (const id of ids) {
    const m = byId.get(id);
    if (!m) continue;
    const mime = opts.mime && m.blobHash ? (bytes.get(m.blobHash) ?? null) : null;
    out.push({ ...m, properties: props.get(id) ?? {}, mime });
  }
  return out;
}

/** A message's original bytes and where it is (loadMessages: nothing else is read). */
export interface RawMessage {
  id: number;
  storeId: number;
  mime: Buffer | null;
}

/** Where a message is and its bytes are (the header block only when asked for). */
interface BlobRow {
  storeId: number;
  hash: string | null;
  size: number;
  header: Buffer | null;
}

/** The BlobRow of each message found, every chunk of ids in one round trip (MySQL). */
async function blobRows(ctx: Ctx, ids: readonly number[], withHeader: boolean): Promise<Map<number, BlobRow>> {
  const columns = ['id', 'store_id', 'blob_hash', 'size', ...(withHeader ? ['header_block'] : [])];
  const results = await runStatements(
    ctx,
    chunks([...ids]).map((part) => ctx.db('messages').select(columns).whereIn('id', part)),
  );
  const rows = new Map<number, BlobRow>();
  for (const list of results)
    for (const r of list as Array<Record<string, unknown>>)
      rows.set(num(r.id), {
        storeId: num(r.store_id),
        hash: typeof r.blob_hash === 'string' ? r.blob_hash : null,
        size: num(r.size),
        header: withHeader ? bufOrNull(r.header_block) : null,
      });
  return rows;
}

/** What getRawMessages reads and leaves out. */
export interface RawReadOptions {
  /** The header block kept with the row where there is one (the caller cuts the header from whole messages). */
  headersOnly?: boolean;
  /** Bytes to read at most (the first message always); the messages after are deferred. */
  maxBytes?: number;
  /** Which stores' messages to read (the others are left out, as missing ones, and not read). */
  accept?(storeId: number): boolean;
}

/**
 * The original bytes of messages, in the order of `ids` (repeats and missing ids skipped): the
 * messages' store and blob only, not their columns (whose stored IMAP answers are as large as a
 * small message), then the blobs in one round trip. Once `maxBytes` would be passed, the remaining
 * messages are not read but listed in `deferred`.
 */
export async function getRawMessages(
  ctx: Ctx,
  ids: readonly number[],
  opts: RawReadOptions = {},
): Promise<{ messages: RawMessage[]; deferred: number[] }> {
  const unique = [...new Set(ids)];
  const rows = await blobRows(ctx, unique, opts.headersOnly ?? false);
  const wanted: number[] = [];
  const deferred: number[] = [];
  let bytes = 0;
  for (const id of unique) {
    const r = rows.get(id);
    if (!r || (opts.accept && !opts.accept(r.storeId))) continue;
    // Header blocks kept with the rows need no blob read; older rows have their message read.
    const cost = r.header ? r.header.length : r.size;
    if (deferred.length > 0 || (opts.maxBytes !== undefined && wanted.length > 0 && bytes + cost > opts.maxBytes)) {
      deferred.push(id);
      continue;
    }
    wanted.push(id);
    bytes += cost;
  }
  const hashes = wanted.flatMap((id) => {
    const r = rows.get(id) as BlobRow;
    return r.hash && !r.header ? [r.hash] : [];
  });
  const blobs = hashes.length > 0 ? await ctx.env.blobs.readMany(ctx, hashes) : new Map<string, Buffer>();
  const messages = wanted.map((id) => {
    const r = rows.get(id) as BlobRow;
    return { id, storeId: r.storeId, mime: r.header ?? (r.hash ? (blobs.get(r.hash) ?? null) : null) };
  });
  return { messages, deferred };
}

/** How rawMessageGroups groups the messages it reads. */
export interface RawGroupOptions {
  /** Bytes of messages per group; a larger message is a group of its own. */
  maxBytes: number;
  /** Messages per group. */
  maxCount: number;
  /** Which stores' messages to read (the others are left out, as missing ones). */
  accept?(storeId: number): boolean;
  /**
   * Called with a group's bytes before it is read; resolves with the function that frees them,
   * called once the caller is done with the group (a budget shared by many callers).
   */
  reserve?(bytes: number): Promise<() => void>;
}

/**
 * The original bytes of messages in groups (in the order of `ids`, repeats and missing ids
 * skipped): one read finds where and how large they are, then one read per group, the next group
 * reading while the caller works on this one. A caller so holds at most two groups in memory
 * however many and large the messages, and waits for one round trip per group; `reserve` lets
 * many callers share a bound on the bytes they hold.
 */
export async function* rawMessageGroups(
  run: Pick<Runner, 'read'>,
  ids: readonly number[],
  opts: RawGroupOptions,
): AsyncGenerator<RawMessage[]> {
  const unique = [...new Set(ids)];
  const rows = await run.read((ctx) => blobRows(ctx, unique, false));
  const groups: number[][] = [];
  let group: number[] = [];
  let bytes = 0;
  for (const id of unique) {
    const r = rows.get(id);
    if (!r || (opts.accept && !opts.accept(r.storeId))) continue;
    if (group.length > 0 && (bytes + r.size > opts.maxBytes || group.length >= opts.maxCount)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(id);
    bytes += r.size;
  }
  if (group.length > 0) groups.push(group);
  /** The caller stopped early: a read ahead still waiting for its reservation reads nothing. */
  let stopped = false;
  const readGroup = async (g: number[]): Promise<{ messages: RawMessage[]; free: () => void }> => {
    const free = opts.reserve
      ? await opts.reserve(g.reduce((sum, id) => sum + (rows.get(id)?.size ?? 0), 0))
      : () => {};
    if (stopped) {
      free();
      return { messages: [], free };
    }
    try {
      const blobs = await run.read((ctx) =>
        ctx.env.blobs.readMany(
          ctx,
          g.flatMap((id) => rows.get(id)?.hash ?? []),
        ),
      );
      const messages = g.map((id) => {
        const r = rows.get(id) as BlobRow;
        return { id, storeId: r.storeId, mime: r.hash ? (blobs.get(r.hash) ?? null) : null };
      });
      return { messages, free };
    } catch (e) {
      free();
      throw e;
    }
  };
  let next = groups[0] ? readGroup(groups[0]) : undefined;
  let held: (() => void) | undefined;
  try {
    for (let i = 0; next; i++) {
      const current = next;
      const following = groups[i + 1];
      next = following ? readGroup(following) : undefined;
      // A caller that stops early never awaits the read ahead: its failure is not unhandled.
      next?.catch(() => undefined);
      const got = await current;
      held = got.free;
      yield got.messages;
      got.free();
      held = undefined;
    }
  } finally {
    // A caller that stopped early: the group it held, and the one read ahead (which reads nothing
    // if it has not started).
    stopped = true;
    held?.();
    next?.then(
      (g) => g.free(),
      () => undefined,
    );
  }
}

/** Where a message is. */
export interface MessagePlace {
  id: number;
  storeId: number;
  folderId: number;
}

/** Where messages are (store and folder), for access checks that need nothing else; missing ids are skipped. */
export async function messagePlaces(ctx: Ctx, ids: readonly number[]): Promise<MessagePlace[]> {
  const out: MessagePlace[] = [];
  // Every chunk in one round trip (MySQL).
  const results = await runStatements(
    ctx,
    chunks([...new Set(ids)]).map((part) =>
      ctx.db('messages').select('id', 'store_id', 'folder_id').whereIn('id', part),
    ),
  );
  for (const rows of results)
    for (const r of rows as Array<Record<string, unknown>>)
      out.push({ id: num(r.id), storeId: num(r.store_id), folderId: num(r.folder_id) });
  return out;
}

export async function getMessage(ctx: Ctx, id: number, opts: LoadOptions = {}): Promise<LoadedMessage> {
  const [m] = await getMessages(ctx, [id], opts);
  if (!m) throw notFound('message', id);
  return m;
}
