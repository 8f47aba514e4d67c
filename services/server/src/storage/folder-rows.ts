import type { Knex } from 'knex';
import type { Ctx } from './context.js';
import { notFound } from './db-errors.js';
import type { FolderRecord, FolderRole } from './folder-types.js';
import { bool, chunks, num, numOrNull, strOrNull } from './rows.js';

export function toFolder(r: Record<string, unknown>): FolderRecord {
  return {
    id: num(r.id),
    storeId: num(r.store_id),
    parentId: numOrNull(r.parent_id),
    name: String(r.name),
    containerClass: strOrNull(r.container_class),
    role: strOrNull(r.role) as FolderRole | null,
    uidvalidity: num(r.uidvalidity),
    uidnext: num(r.uidnext),
    highestModseq: num(r.highest_modseq),
    messageCount: num(r.message_count),
    unseenCount: num(r.unseen_count),
    size: num(r.size),
    subscribed: bool(r.subscribed),
    createdAt: num(r.created_at),
  };
}

/** Folders by id (locked FOR UPDATE inside a transaction). Missing ids are absent from the map. */
export async function loadFolders(ctx: Ctx, ids: readonly number[], lock = false): Promise<Map<number, FolderRecord>> {
  const out = new Map<number, FolderRecord>();
  for (const part of chunks([...new Set(ids)].sort((a, b) => a - b))) {
    const q = ctx.db('folders').select('*').whereIn('id', part);
    if (lock && ctx.inTx) q.forUpdate();
    for (const r of (await q) as Array<Record<string, unknown>>) out.set(num(r.id), toFolder(r));
  }
  return out;
}

export async function loadFolder(ctx: Ctx, id: number, lock = false): Promise<FolderRecord> {
  const f = (await loadFolders(ctx, [id], lock)).get(id);
  if (!f) throw notFound('folder', id);
  return f;
}

/** Per-folder counter deltas applied in one UPDATE per folder. */
export interface FolderDelta {
  count?: number;
  unseen?: number;
  size?: number;
  uidnext?: number;
  /** Sets highest_modseq (the operation's modseq). */
  modseq?: number;
}

export async function applyFolderDelta(ctx: Ctx, folderId: number, d: FolderDelta): Promise<void> {
  const statement = folderDeltaStatement(ctx, folderId, d);
  if (statement) await statement;
}

/** The UPDATE of a FolderDelta (for a statement batch); null when it changes nothing. */
export function folderDeltaStatement(ctx: Ctx, folderId: number, d: FolderDelta): Knex.QueryBuilder | null {
  const set: Record<string, unknown> = {};
  const add = (col: string, v: number | undefined) => {
    if (v) set[col] = ctx.db.raw('?? + ?', [col, v]);
  };
  add('message_count', d.count);
  add('unseen_count', d.unseen);
  add('size', d.size);
  add('uidnext', d.uidnext);
  if (d.modseq !== undefined) set.highest_modseq = d.modseq;
  return Object.keys(set).length > 0 ? ctx.db('folders').where('id', folderId).update(set) : null;
}

/** Accumulates FolderDelta per folder. */
export class FolderDeltas {
  readonly map = new Map<number, FolderDelta>();
  add(folderId: number, d: FolderDelta): void {
    const cur = this.map.get(folderId) ?? {};
    this.map.set(folderId, {
      count: (cur.count ?? 0) + (d.count ?? 0),
      unseen: (cur.unseen ?? 0) + (d.unseen ?? 0),
      size: (cur.size ?? 0) + (d.size ?? 0),
      uidnext: (cur.uidnext ?? 0) + (d.uidnext ?? 0),
      modseq: d.modseq ?? cur.modseq,
    });
  }
  async apply(ctx: Ctx): Promise<void> {
    for (const [id, d] of [...this.map].sort(([a], [b]) => a - b)) await applyFolderDelta(ctx, id, d);
  }
  /** The UPDATEs, in folder order, for a statement batch. */
  statements(ctx: Ctx): Knex.QueryBuilder[] {
    return [...this.map].sort(([a], [b]) => a - b).flatMap(([id, d]) => folderDeltaStatement(ctx, id, d) ?? []);
  }
}
