import { KcError } from '@kgc/soap';
import type { Ctx } from './context.js';
import { invalid, notFound } from './db-errors.js';
import { loadFolder, loadFolders, toFolder } from './folder-rows.js';
import type { FolderRecord, FolderRole, FolderStatus, FolderTreeEntry } from './folder-types.js';
import { FOLDER_ROLES } from './folder-types.js';
import { type StoreChange, writeJournal } from './journal.js';
import { REMOVABLE_COLUMNS, removeMessageRows, toRemovable } from './message-remove.js';
import { chunks, foldKey, hasControlChars, num } from './rows.js';
import { addStoreSize, lockStores } from './store-lock.js';

export interface NewFolder {
  /** Parent folder; use the store's rootFolderId for a top-level folder. */
  parentId: number;
  name: string;
  /** Default: the parent's class, or IPF.Note below the root. */
  containerClass?: string | null;
  role?: FolderRole | null;
  /** Default true. */
  subscribed?: boolean;
}

export interface FolderUpdate {
  name?: string;
  /** Move below another folder of the same store (no cycles). */
  parentId?: number;
  subscribed?: boolean;
  containerClass?: string | null;
  role?: FolderRole | null;
}

export interface FolderRemoval {
  /** Folders removed (deleteFolder: the folder and its descendants; emptyFolder with subfolders: the descendants). */
  deletedFolderIds: number[];
  deletedMessages: number;
  changes: StoreChange[];
}

function checkName(name: string): void {
  if (name.length === 0 || name.length > 255 || hasControlChars(name)) {
    throw invalid(`invalid folder name: ${JSON.stringify(name)}`);
  }
}

function checkClass(cls: string | null | undefined): void {
  if (cls !== null && cls !== undefined && !/^IPF(\.[A-Za-z0-9_-]+)*$/.test(cls)) {
    throw invalid(`invalid container class: ${cls}`);
  }
}

function checkRole(role: FolderRole | null | undefined): void {
  if (role !== null && role !== undefined && !FOLDER_ROLES.includes(role))
    throw invalid(`invalid folder role: ${role}`);
}

async function assertNameFree(ctx: Ctx, parentId: number, name: string, exceptId?: number): Promise<void> {
  const q = ctx
    .db('folders')
    .select('id')
    .where({ parent_id: parentId, name_key: foldKey(name) });
  if (exceptId !== undefined) q.andWhereNot('id', exceptId);
  if (await q.first()) throw new KcError('KCERR_COLLISION', `a folder named '${name}' already exists there`);
}

async function allocateUidvalidity(ctx: Ctx, storeId: number, n: number): Promise<number> {
  await ctx
    .db('stores')
    .where('id', storeId)
    .update({ next_uidvalidity: ctx.db.raw('next_uidvalidity + ?', [n]) });
  const r = (await ctx.db('stores').select('next_uidvalidity').where('id', storeId).first()) as Record<string, unknown>;
  return num(r.next_uidvalidity) - n;
}

/** Creates folders (KGC create_folders). All or nothing: a duplicate name under one parent is KCERR_COLLISION. */
export async function createFolders(
  ctx: Ctx,
  input: readonly NewFolder[],
): Promise<{ folders: FolderRecord[]; changes: StoreChange[] }> {
  for (const f of input) {
    checkName(f.name);
    checkClass(f.containerClass);
    checkRole(f.role);
  }
  const parentsBefore = await loadFolders(
    ctx,
    input.map((f) => f.parentId),
  );
  const locked = await lockStores(
    ctx,
    [...parentsBefore.values()].map((p) => p.storeId),
  );
  const parents = await loadFolders(
    ctx,
    input.map((f) => f.parentId),
    true,
  );
  const seen = new Set<string>();
  for (const f of input) {
    if (!parents.has(f.parentId)) throw notFound('folder', f.parentId);
    const key = `${f.parentId}/${foldKey(f.name)}`;
    if (seen.has(key)) throw new KcError('KCERR_COLLISION', `folder '${f.name}' given twice`);
    seen.add(key);
    await assertNameFree(ctx, f.parentId, f.name);
  }
  const now = ctx.env.now();
  const ids: number[] = [];
  const journal = [];
  for (const f of input) {
    const parent = parents.get(f.parentId) as FolderRecord;
    const store = locked.get(parent.storeId);
    if (!store) throw notFound('store', parent.storeId);
    const uidvalidity = await allocateUidvalidity(ctx, parent.storeId, 1);
    const res = (await ctx.db('folders').insert({
      store_id: parent.storeId,
      parent_id: parent.id,
      name: f.name,
      name_key: foldKey(f.name),
      container_class: f.containerClass !== undefined ? f.containerClass : (parent.containerClass ?? 'IPF.Note'),
      role: f.role ?? null,
      uidvalidity,
      uidnext: 1,
      highest_modseq: store.modseq,
      subscribed: f.subscribed ?? true,
      created_at: now,
    })) as unknown[];
    const id = num(res[0]);
    ids.push(id);
    journal.push({
      storeId: store.id,
      modseq: store.modseq,
      folderId: id,
      messageId: null,
      uid: null,
      kind: 'folder-new' as const,
    });
  }
  await writeJournal(ctx, journal);
  const created = await loadFolders(ctx, ids);
  return {
    folders: ids.map((id) => created.get(id) as FolderRecord),
    changes: [...locked.values()].map((s) => ({ storeId: s.id, modseq: s.modseq })),
  };
}

/** All (id, parent) pairs of a store, for cycle checks and subtree walks in one query. */
async function storeTree(ctx: Ctx, storeId: number): Promise<Map<number, number | null>> {
  const rows = (await ctx.db('folders').select('id', 'parent_id').where('store_id', storeId)) as Array<
    Record<string, unknown>
  >;
  return new Map(rows.map((r) => [num(r.id), r.parent_id === null ? null : num(r.parent_id)]));
}

function descendants(tree: Map<number, number | null>, rootId: number): number[] {
  const children = new Map<number, number[]>();
  for (const [id, parent] of tree) {
    if (parent === null) continue;
    const list = children.get(parent) ?? [];
    list.push(id);
    children.set(parent, list);
  }
  const out: number[] = [];
  const stack = [...(children.get(rootId) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop() as number;
    out.push(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

/** Rename, move (same store, no cycles), (un)subscribe, change class or role. */
export async function updateFolder(
  ctx: Ctx,
  folderId: number,
  patch: FolderUpdate,
): Promise<{ folder: FolderRecord; changes: StoreChange[] }> {
  if (patch.name !== undefined) checkName(patch.name);
  checkClass(patch.containerClass);
  checkRole(patch.role);
  const before = await loadFolder(ctx, folderId);
  const store = (await lockStores(ctx, [before.storeId])).get(before.storeId);
  if (!store) throw notFound('store', before.storeId);
  const folder = await loadFolder(ctx, folderId, true);
  const structural = patch.name !== undefined || patch.parentId !== undefined;
  if (folder.parentId === null && structural) throw invalid('the root folder cannot be renamed or moved');
  const parentId = patch.parentId ?? (folder.parentId as number);
  const name = patch.name ?? folder.name;
  if (patch.parentId !== undefined && patch.parentId !== folder.parentId) {
    const parent = await loadFolder(ctx, patch.parentId, true);
    if (parent.storeId !== folder.storeId) throw invalid('folders cannot be moved between stores');
    const tree = await storeTree(ctx, folder.storeId);
    if (parent.id === folder.id || descendants(tree, folder.id).includes(parent.id)) {
      throw invalid('a folder cannot be moved below itself');
    }
  }
  if (structural) await assertNameFree(ctx, parentId, name, folder.id);
  const set: Record<string, unknown> = {};
  if (structural) Object.assign(set, { name, name_key: foldKey(name), parent_id: parentId });
  if (patch.subscribed !== undefined) set.subscribed = patch.subscribed;
  if (patch.containerClass !== undefined) set.container_class = patch.containerClass;
  if (patch.role !== undefined) set.role = patch.role;
  if (Object.keys(set).length > 0) await ctx.db('folders').where('id', folderId).update(set);
  await writeJournal(ctx, [
    { storeId: store.id, modseq: store.modseq, folderId, messageId: null, uid: null, kind: 'folder-change' },
  ]);
  return { folder: await loadFolder(ctx, folderId), changes: [{ storeId: store.id, modseq: store.modseq }] };
}

async function removeFolderContents(
  ctx: Ctx,
  storeId: number,
  modseq: number,
  folderIds: readonly number[],
  journalExpunges: boolean,
): Promise<number> {
  const rows = [];
  for (const part of chunks(folderIds)) {
    const r = (await ctx.db('messages').select(REMOVABLE_COLUMNS).whereIn('folder_id', part)) as Array<
      Record<string, unknown>
    >;
    rows.push(...r.map(toRemovable));
  }
  const { deltas, sizeByStore } = await removeMessageRows(ctx, rows);
  for (const d of deltas.map.values()) d.modseq = modseq;
  await deltas.apply(ctx);
  await addStoreSize(ctx, storeId, -(sizeByStore.get(storeId) ?? 0));
  if (journalExpunges) {
    await writeJournal(
      ctx,
      rows.map((r) => ({
        storeId,
        modseq,
        folderId: r.folderId,
        messageId: r.id,
        uid: r.uid,
        kind: 'message-expunge' as const,
      })),
    );
  }
  return rows.length;
}

async function removeFolders(ctx: Ctx, storeId: number, modseq: number, folderIds: readonly number[]): Promise<void> {
  for (const part of chunks(folderIds)) {
    await ctx.db('properties').where('object_type', 'folder').whereIn('object_id', part).delete();
    await ctx.db('folders').whereIn('id', part).delete();
  }
  await writeJournal(
    ctx,
    folderIds.map((folderId) => ({
      storeId,
      modseq,
      folderId,
      messageId: null,
      uid: null,
      kind: 'folder-delete' as const,
    })),
  );
}

/** Deletes a folder, its subfolders and all their messages (blob references dropped). */
export async function deleteFolder(ctx: Ctx, folderId: number): Promise<FolderRemoval> {
  const before = await loadFolder(ctx, folderId);
  const store = (await lockStores(ctx, [before.storeId])).get(before.storeId);
  if (!store) throw notFound('store', before.storeId);
  const folder = await loadFolder(ctx, folderId, true);
  if (folder.parentId === null) throw invalid('the root folder cannot be deleted');
  const ids = [folder.id, ...descendants(await storeTree(ctx, store.id), folder.id)];
  const deletedMessages = await removeFolderContents(ctx, store.id, store.modseq, ids, false);
  await removeFolders(ctx, store.id, store.modseq, ids);
  return { deletedFolderIds: ids, deletedMessages, changes: [{ storeId: store.id, modseq: store.modseq }] };
}

/** Deletes all messages of a folder (journalled as expunges), and with `subfolders` its subfolders too (KGC emptyFolder). */
export async function emptyFolder(
  ctx: Ctx,
  folderId: number,
  opts: { subfolders?: boolean } = {},
): Promise<FolderRemoval> {
  const before = await loadFolder(ctx, folderId);
  const store = (await lockStores(ctx, [before.storeId])).get(before.storeId);
  if (!store) throw notFound('store', before.storeId);
  await loadFolder(ctx, folderId, true);
  const sub = opts.subfolders ? descendants(await storeTree(ctx, store.id), folderId) : [];
  let deletedMessages = await removeFolderContents(ctx, store.id, store.modseq, [folderId], true);
  if (sub.length > 0) {
    deletedMessages += await removeFolderContents(ctx, store.id, store.modseq, sub, false);
    await removeFolders(ctx, store.id, store.modseq, sub);
  }
  return { deletedFolderIds: sub, deletedMessages, changes: [{ storeId: store.id, modseq: store.modseq }] };
}

/** The hierarchy below the hidden root, with paths and counters, parents before children. */
export async function listFolders(ctx: Ctx, storeId: number): Promise<FolderTreeEntry[]> {
  const rows = (await ctx.db('folders').select('*').where('store_id', storeId)) as Array<Record<string, unknown>>;
  if (rows.length === 0) {
    const store = await ctx.db('stores').select('id').where('id', storeId).first();
    if (!store) throw notFound('store', storeId);
  }
  const byId = new Map(rows.map((r) => [num(r.id), toFolder(r)]));
  const paths = new Map<number, string[]>();
  const pathOf = (f: FolderRecord): string[] => {
    const known = paths.get(f.id);
    if (known) return known;
    const parent = f.parentId === null ? undefined : byId.get(f.parentId);
    const path = parent === undefined ? [] : parent.parentId === null ? [f.name] : [...pathOf(parent), f.name];
    paths.set(f.id, path);
    return path;
  };
  const out: FolderTreeEntry[] = [];
  for (const f of byId.values()) {
    if (f.parentId === null) continue;
    const path = pathOf(f);
    out.push({ ...f, path, depth: path.length });
  }
  const key = (e: FolderTreeEntry) => e.path.map((p) => p.toLowerCase()).join('\u0000');
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export async function findFolderByRole(ctx: Ctx, storeId: number, role: FolderRole): Promise<FolderRecord | null> {
  const r = (await ctx.db('folders').select('*').where({ store_id: storeId, role }).first()) as
    | Record<string, unknown>
    | undefined;
  return r ? toFolder(r) : null;
}

/** IMAP STATUS / LIST-STATUS for many folders in one query. */
export async function folderStatus(ctx: Ctx, folderIds: readonly number[]): Promise<FolderStatus[]> {
  const folders = await loadFolders(ctx, folderIds);
  return folderIds.map((id) => {
    const f = folders.get(id);
    if (!f) throw notFound('folder', id);
    return {
      folderId: f.id,
      messages: f.messageCount,
      unseen: f.unseenCount,
      uidnext: f.uidnext,
      uidvalidity: f.uidvalidity,
      highestModseq: f.highestModseq,
      size: f.size,
    };
  });
}
