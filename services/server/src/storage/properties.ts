import type { Ctx } from './context.js';
import { invalid, notFound } from './db-errors.js';
import { type StoreChange, writeJournal } from './journal.js';
import { chunks, num, toBuffer } from './rows.js';
import type { Statement } from './statement-batch.js';
import { lockStores } from './store-lock.js';

/** Generic typed properties for anything without a column (named MAPI properties, client state, …). */
export type PropertyValue =
  | { type: 'string'; value: string }
  | { type: 'int'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'binary'; value: Uint8Array }
  | { type: 'date'; value: Date };

export type PropertyMap = Record<string, PropertyValue>;

export type ObjectType = 'store' | 'folder' | 'message' | 'user' | 'group';

export interface ObjectRef {
  type: ObjectType;
  id: number;
}

export interface PropertyChange {
  object: ObjectRef;
  set?: PropertyMap;
  remove?: string[];
}

const OBJECT_TYPES: readonly ObjectType[] = ['store', 'folder', 'message', 'user', 'group'];

function checkName(name: string): void {
  if (name.length === 0 || name.length > 255) throw invalid(`invalid property name: ${JSON.stringify(name)}`);
}

export function propertyRow(object: ObjectRef, name: string, v: PropertyValue): Record<string, unknown> {
  checkName(name);
  const row: Record<string, unknown> = {
    object_type: object.type,
    object_id: object.id,
    name,
    type: v.type,
    val_int: null,
    val_string: null,
    val_binary: null,
  };
  switch (v.type) {
    case 'string':
      row.val_string = v.value;
      break;
    case 'int':
      if (!Number.isSafeInteger(v.value)) throw invalid(`property ${name}: not a safe integer`);
      row.val_int = v.value;
      break;
    case 'bool':
      row.val_int = v.value ? 1 : 0;
      break;
    case 'date':
      row.val_int = v.value.getTime();
      break;
    case 'binary':
      row.val_binary = toBuffer(v.value);
      break;
    default:
      throw invalid(`property ${name}: unknown type`);
  }
  return row;
}

export function propertyValue(r: Record<string, unknown>): PropertyValue {
  switch (r.type) {
    case 'string':
      return { type: 'string', value: String(r.val_string ?? '') };
    case 'int':
      return { type: 'int', value: num(r.val_int) };
    case 'bool':
      return { type: 'bool', value: num(r.val_int) !== 0 };
    case 'date':
      return { type: 'date', value: new Date(num(r.val_int)) };
    default:
      return { type: 'binary', value: r.val_binary === null ? Buffer.alloc(0) : toBuffer(r.val_binary) };
  }
}

/** Inserts or replaces property rows in batches (one multi-row upsert per chunk). */
/** The upserts of upsertPropertyRows as statements (runStatements). */
export function propertyUpserts(ctx: Ctx, rows: ReadonlyArray<Record<string, unknown>>): Statement[] {
  return chunks(rows, 200).map((part) =>
    ctx
      .db('properties')
      .insert(part)
      .onConflict(['object_type', 'object_id', 'name'])
      .merge(['type', 'val_int', 'val_string', 'val_binary']),
  );
}

export async function upsertPropertyRows(ctx: Ctx, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  for (const part of chunks(rows, 200)) {
    await ctx
      .db('properties')
      .insert(part)
      .onConflict(['object_type', 'object_id', 'name'])
      .merge(['type', 'val_int', 'val_string', 'val_binary']);
  }
}

/** Properties of many objects of one type: Map<objectId, PropertyMap>, optionally only `names`. */
export async function loadProperties(
  ctx: Ctx,
  type: ObjectType,
  ids: readonly number[],
  names?: readonly string[],
): Promise<Map<number, PropertyMap>> {
  const out = new Map<number, PropertyMap>();
  for (const part of chunks([...new Set(ids)])) {
    const q = ctx.db('properties').select('*').where('object_type', type).whereIn('object_id', part);
    if (names) q.whereIn('name', names.length > 0 ? [...names] : ['']);
    for (const r of (await q) as Array<Record<string, unknown>>) {
      const id = num(r.object_id);
      const map = out.get(id) ?? {};
      map[String(r.name)] = propertyValue(r);
      out.set(id, map);
    }
  }
  return out;
}

/** Properties per object, aligned with `objects`. */
export async function getProperties(
  ctx: Ctx,
  objects: readonly ObjectRef[],
  names?: readonly string[],
): Promise<PropertyMap[]> {
  const byType = new Map<ObjectType, Map<number, PropertyMap>>();
  for (const t of OBJECT_TYPES) {
    const ids = objects.filter((o) => o.type === t).map((o) => o.id);
    if (ids.length > 0) byType.set(t, await loadProperties(ctx, t, ids, names));
  }
  return objects.map((o) => ({ ...(byType.get(o.type)?.get(o.id) ?? {}) }));
}

/**
 * Sets/removes properties. A changed message gets a new modseq and a `message-change` journal
 * entry; a changed folder a `folder-change` entry (so sync clients see the update).
 */
export async function setProperties(ctx: Ctx, changes: readonly PropertyChange[]): Promise<{ changes: StoreChange[] }> {
  for (const c of changes) if (!OBJECT_TYPES.includes(c.object.type)) throw invalid('unknown object type');
  const messageIds = [...new Set(changes.filter((c) => c.object.type === 'message').map((c) => c.object.id))];
  const folderIds = [...new Set(changes.filter((c) => c.object.type === 'folder').map((c) => c.object.id))];
  const owners = new Map<string, { storeId: number; folderId: number; uid: number | null }>();
  for (const part of chunks(messageIds)) {
    const rows = (await ctx.db('messages').select('id', 'store_id', 'folder_id', 'uid').whereIn('id', part)) as Array<
      Record<string, unknown>
    >;
    for (const r of rows)
      owners.set(`message:${num(r.id)}`, { storeId: num(r.store_id), folderId: num(r.folder_id), uid: num(r.uid) });
  }
  for (const part of chunks(folderIds)) {
    const rows = (await ctx.db('folders').select('id', 'store_id').whereIn('id', part)) as Array<
      Record<string, unknown>
    >;
    for (const r of rows)
      owners.set(`folder:${num(r.id)}`, { storeId: num(r.store_id), folderId: num(r.id), uid: null });
  }
  for (const c of changes) {
    if ((c.object.type === 'message' || c.object.type === 'folder') && !owners.has(`${c.object.type}:${c.object.id}`)) {
      throw notFound(c.object.type, c.object.id);
    }
  }
  const locked = await lockStores(
    ctx,
    [...owners.values()].map((o) => o.storeId),
  );
  // Re-read under the store locks: an object deleted meanwhile must not get orphan properties, and
  // a message moved meanwhile (same store: same id, new folder and uid) is journaled where it is now.
  for (const part of chunks(messageIds)) {
    const rows = (await ctx.db('messages').select('id', 'store_id', 'folder_id', 'uid').whereIn('id', part)) as Array<
      Record<string, unknown>
    >;
    const alive = new Set(rows.map((r) => num(r.id)));
    const gone = part.find((id) => !alive.has(id));
    if (gone !== undefined) throw notFound('message', gone);
    for (const r of rows) {
      const key = `message:${num(r.id)}`;
      if (owners.get(key)?.storeId !== num(r.store_id)) throw notFound('message', num(r.id));
      owners.set(key, { storeId: num(r.store_id), folderId: num(r.folder_id), uid: num(r.uid) });
    }
  }
  const rows: Array<Record<string, unknown>> = [];
  for (const c of changes) {
    for (const [name, v] of Object.entries(c.set ?? {})) rows.push(propertyRow(c.object, name, v));
    if (c.remove?.length) {
      await ctx
        .db('properties')
        .where({ object_type: c.object.type, object_id: c.object.id })
        .whereIn('name', c.remove)
        .delete();
    }
  }
  await upsertPropertyRows(ctx, rows);
  const journal = [];
  for (const [key, o] of owners) {
    const store = locked.get(o.storeId);
    if (!store) continue;
    const isMessage = key.startsWith('message:');
    const id = Number(key.slice(key.indexOf(':') + 1));
    journal.push({
      storeId: o.storeId,
      modseq: store.modseq,
      folderId: o.folderId,
      messageId: isMessage ? id : null,
      uid: o.uid,
      kind: isMessage ? ('message-change' as const) : ('folder-change' as const),
    });
  }
  for (const [storeId, store] of locked) {
    const ids = [...owners].filter(([k, o]) => k.startsWith('message:') && o.storeId === storeId);
    for (const part of chunks(ids.map(([k]) => Number(k.slice(8))))) {
      await ctx.db('messages').whereIn('id', part).update({ modseq: store.modseq });
    }
    const touchedFolders = [
      ...new Set([...owners.values()].filter((o) => o.storeId === storeId).map((o) => o.folderId)),
    ];
    for (const part of chunks(touchedFolders)) {
      await ctx.db('folders').whereIn('id', part).update({ highest_modseq: store.modseq });
    }
  }
  await writeJournal(ctx, journal);
  return { changes: [...locked.values()].map((s) => ({ storeId: s.id, modseq: s.modseq })) };
}
