/** Checks and helpers shared by the operation handlers. */
import { KcError } from '@kgc/soap';
import { assertStoreAccess, type Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { FOLDER_CACHE_MAX } from '../limits.js';
import type { FolderRecord } from '../storage/folder-types.js';
import type { StoreChange } from '../storage/journal.js';
import type { LoadedMessage, LoadOptions } from '../storage/message-types.js';
import type { UserRecord } from '../storage/user-types.js';

export const principal = (ctx: ServerContext, sessionId: string): Promise<Principal> =>
  ctx.sessions.principal(sessionId);

/** Whether the principal may read the store's messages (its own; a service any). */
export function mayReadStore(p: Principal, storeId: number): boolean {
  if (p.kind !== 'user') return true;
  try {
    assertStoreAccess(p, storeId);
    return true;
  } catch {
    return false;
  }
}

/** A folder the principal may reach. Another store's folder, like the hidden root, is "not found". */
export async function accessFolder(ctx: ServerContext, p: Principal, folderId: number): Promise<FolderRecord> {
  const folder = await ctx.storage.folders.getFolder(folderId);
  if (folder.parentId === null || (p.kind === 'user' && p.storeId !== folder.storeId)) {
    throw new KcError('KCERR_NOT_FOUND', `folder ${folderId} not found`);
  }
  return folder;
}

/** Folder id -> store id (a folder never changes store). Only the ids the hot paths need. */
const folderStores = new WeakMap<ServerContext, Map<number, number>>();

/**
 * The store of a folder the principal may write into, from a cache on the hot paths
 * (createMessage, deliverMessage). A folder deleted meanwhile is refused by the storage.
 */
export async function accessFolderStore(ctx: ServerContext, p: Principal, folderId: number): Promise<number> {
  let cache = folderStores.get(ctx);
  if (!cache) {
    cache = new Map();
    folderStores.set(ctx, cache);
  }
  let storeId = cache.get(folderId);
  if (storeId === undefined) {
    storeId = (await accessFolder(ctx, p, folderId)).storeId;
    if (cache.size >= FOLDER_CACHE_MAX) cache.clear();
    cache.set(folderId, storeId);
  }
  if (p.kind === 'user' && p.storeId !== storeId) throw new KcError('KCERR_NOT_FOUND', `folder ${folderId} not found`);
  return storeId;
}

/** Messages the principal may reach (columns only). Any other message is "not found". */
export async function accessMessages(
  ctx: ServerContext,
  p: Principal,
  ids: readonly number[],
  /** What else to load with the rows (the caller's own load, so the rows are read once). */
  load: LoadOptions = {},
): Promise<LoadedMessage[]> {
  if (ids.length === 0) throw new KcError('KCERR_INVALID_PARAMETER', 'no messages given');
  return reachable(p, ids, await ctx.storage.messages.getMessages(ids, load));
}

/**
 * accessMessages for bulk operations that need only where the messages are (flags, copy,
 * delete of thousands): reads three columns instead of whole rows.
 */
export async function accessMessagePlaces(
  ctx: ServerContext,
  p: Principal,
  ids: readonly number[],
): Promise<Array<{ id: number; storeId: number; folderId: number }>> {
  if (ids.length === 0) throw new KcError('KCERR_INVALID_PARAMETER', 'no messages given');
  return reachable(p, ids, await ctx.storage.messages.messagePlaces(ids));
}

/** `found` if every id is among them and in a store the principal may reach; else "not found". */
function reachable<M extends { id: number; storeId: number }>(p: Principal, ids: readonly number[], found: M[]): M[] {
  const byId = new Map(found.map((m) => [m.id, m]));
  for (const id of ids) {
    const m = byId.get(id);
    if (!m || !mayReadStore(p, m.storeId)) throw new KcError('KCERR_NOT_FOUND', `message ${id} not found`);
  }
  return found;
}

/** Announces committed changes on the bus (after COMMIT only). */
export function announce(ctx: ServerContext, changes: readonly StoreChange[]): void {
  const last = new Map<number, number>();
  for (const c of changes) last.set(c.storeId, Math.max(last.get(c.storeId) ?? 0, c.modseq));
  for (const [storeId, modseq] of last) ctx.notifier.announce(storeId, modseq);
}

export async function userByLogin(ctx: ServerContext, loginName: string): Promise<UserRecord> {
  const u = await ctx.storage.users.findUserByLogin(loginName);
  if (!u) throw new KcError('KCERR_NOT_FOUND', `no user ${loginName}`);
  return u;
}

export const NONE = {} as Record<string, never>;
