import type { Ctx } from './context.js';
import type { UserQuota } from './quota.js';
import { chunks, num, numOrNull, unique } from './rows.js';
import { runStatements, type Statement } from './statement-batch.js';
import { userQuotaOf } from './stores.js';

/** A store locked for message creation, as read under the lock. */
export interface TargetStore {
  id: number;
  /** highest_modseq before this operation; it writes `modseq + 1` (createCounterStatements). */
  modseq: number;
  size: number;
  type: 'private' | 'public';
  userId: number | null;
  /** The owner's limits (read without locking the user); null: no owner row or not private. */
  quota: UserQuota | null;
}

export interface TargetFolder {
  id: number;
  storeId: number;
  uidnext: number;
  /** The folder's highest_modseq before this operation. */
  modseq: number;
}

export interface LockedTargets {
  stores: Map<number, TargetStore>;
  /** Existing folders only. */
  folders: Map<number, TargetFolder>;
}

/** Ids per lock statement (stores plus folders), far below the engines' bind limits. */
const IDS_PER_LOCK = 1000;

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Folder → store, from the process cache or one non-locking read (a folder never changes store). */
async function storesOf(ctx: Ctx, folderIds: readonly number[], useCache: boolean): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const unknown: number[] = [];
  for (const id of folderIds) {
    const storeId = useCache ? ctx.env.folderStores.get(id) : undefined;
    if (storeId === undefined) unknown.push(id);
    else out.set(id, storeId);
  }
  if (unknown.length === 0) return out;
  const found = await runStatements(
    ctx,
    chunks(unknown).map((part) => ctx.db('folders').select('id', 'store_id').whereIn('id', part)),
  );
  for (const rows of found) {
    for (const r of rows as Array<Record<string, unknown>>) {
      out.set(num(r.id), num(r.store_id));
      ctx.env.folderStores.set(num(r.id), num(r.store_id));
    }
  }
  return out;
}

/**
 * One statement per group of stores: the stores (ascending id) and then their folders, locked
 * FOR UPDATE, with the owners' quota from scalar subqueries (which take no lock). STRAIGHT_JOIN
 * keeps every folder lock behind its store's lock, the order all writers follow; stores come in
 * ascending id order (primary-key range). SQLite: an UPDATE first takes the database write lock,
 * as every other writer does first. The last statement is the SELECT.
 */
function lockGroupStatements(ctx: Ctx, storeIds: readonly number[], folderIds: readonly number[]): Statement[] {
  const mysql = ctx.env.engine === 'mysql';
  const quota = ['quota_override', 'quota_warn', 'quota_soft', 'quota_hard']
    .map((c) => `(select u.${c} from users u where u.id = s.user_id) as ${c}`)
    .join(', ');
  // Primary-key ranges only, however small the tables: a scan would lock (and wait for) other rows.
  const pk = mysql ? ' force index (primary)' : '';
  const select = {
    sql:
      `select ${mysql ? 'straight_join ' : ''}s.id as store_id, s.highest_modseq, s.size, s.type, s.user_id, ` +
      `f.id as folder_id, f.uidnext, f.highest_modseq as folder_modseq, ${quota} from stores s${pk} join folders f${pk} on f.store_id = s.id ` +
      `where s.id in (${marks(storeIds.length)}) and f.id in (${marks(folderIds.length)})${mysql ? ' for update' : ''}`,
    bindings: [...storeIds, ...folderIds],
  };
  if (mysql) return [select];
  const writeLock = ctx
    .db('stores')
    .whereIn('id', [...storeIds])
    .update({ highest_modseq: ctx.db.ref('highest_modseq') });
  return [writeLock, select];
}

function readLockGroup(rows: readonly unknown[], out: LockedTargets): void {
  for (const r of rows as Array<Record<string, unknown>>) {
    const storeId = num(r.store_id);
    const type = r.type === 'public' ? 'public' : 'private';
    const userId = numOrNull(r.user_id);
    out.stores.set(storeId, {
      id: storeId,
      modseq: num(r.highest_modseq),
      size: num(r.size),
      type,
      userId,
      quota: type === 'private' && userId !== null && r.quota_override !== null ? userQuotaOf(r) : null,
    });
    out.folders.set(num(r.folder_id), {
      id: num(r.folder_id),
      storeId,
      uidnext: num(r.uidnext),
      modseq: num(r.folder_modseq),
    });
  }
}

/**
 * Locks the stores of `folderIds` (ascending id) and those folders, usually in one statement.
 * Missing folders are absent from the result. Must run in a transaction. `extra` statements ride
 * along in the same round trip, after the locks (so they read under them); their results come back
 * in `extra`.
 */
export async function lockFolderStores(
  ctx: Ctx,
  folderIds: readonly number[],
  extra: readonly Statement[] = [],
): Promise<LockedTargets & { extra: unknown[][] }> {
  if (!ctx.inTx) throw new Error('lockFolderStores needs a transaction');
  const out: LockedTargets = { stores: new Map(), folders: new Map() };
  let extraResults: unknown[][] | undefined;
  let pending = unique(folderIds);
  // Pass 2 re-reads folders the lock did not find where the cache placed them: deleted meanwhile
  // (then absent again), or an id reused after a rollback (SQLite; then locked in its real store,
  // out of order at worst, which InnoDB's deadlock detection and the transaction retry cover).
  for (let pass = 0; pass < 2 && pending.length > 0; pass++) {
    const storeOf = await storesOf(ctx, pending, pass === 0);
    const byStore = new Map<number, number[]>();
    for (const [folderId, storeId] of storeOf) {
      const list = byStore.get(storeId);
      if (list) list.push(folderId);
      else byStore.set(storeId, [folderId]);
    }
    const groups: Statement[][] = [];
    let stores: number[] = [];
    let folders: number[] = [];
    for (const storeId of [...byStore.keys()].sort((a, b) => a - b)) {
      const mine = byStore.get(storeId) ?? [];
      if (stores.length > 0 && stores.length + folders.length + 1 + mine.length > IDS_PER_LOCK) {
        groups.push(lockGroupStatements(ctx, stores, folders));
        stores = [];
        folders = [];
      }
      stores.push(storeId);
      folders.push(...mine);
    }
    if (stores.length > 0) groups.push(lockGroupStatements(ctx, stores, folders));
    const riders = extraResults === undefined ? extra : [];
    const res = await runStatements(ctx, [...groups.flat(), ...riders]);
    let at = 0;
    for (const g of groups) {
      at += g.length;
      readLockGroup(res[at - 1] ?? [], out);
    }
    if (extraResults === undefined) extraResults = res.slice(at);
    pending = [...storeOf.keys()].filter((id) => !out.folders.has(id));
    for (const id of pending) ctx.env.folderStores.delete(id);
  }
  if (extraResults === undefined) extraResults = extra.length > 0 ? await runStatements(ctx, extra) : [];
  return { ...out, extra: extraResults };
}

export interface StoreCounters {
  /** The operation's modseq (absolute). */
  modseq: number;
  sizeDelta: number;
}

export interface FolderCounters {
  count: number;
  unseen: number;
  sizeDelta: number;
  /** Absolute values. */
  uidnext: number;
  modseq: number;
}

type Case = { sql: string; bindings: number[] };

function caseOf(key: string, values: ReadonlyArray<readonly [number, number]>, otherwise: string): Case {
  return {
    sql: `case ${key} ${values.map(() => 'when ? then ?').join(' ')} else ${otherwise} end`,
    bindings: values.flat(),
  };
}

function assignments(parts: ReadonlyArray<readonly [string, Case]>): Case {
  return {
    sql: parts.map(([lhs, c]) => `${lhs} = ${c.sql}`).join(', '),
    bindings: parts.flatMap(([, c]) => c.bindings),
  };
}

function storeSets(stores: ReadonlyArray<readonly [number, StoreCounters]>): Case {
  return assignments([
    [
      'highest_modseq',
      caseOf(
        'id',
        stores.map(([id, c]) => [id, c.modseq]),
        'highest_modseq',
      ),
    ],
    [
      'size',
      plus(
        'size',
        caseOf(
          'id',
          stores.map(([id, c]) => [id, c.sizeDelta]),
          '0',
        ),
      ),
    ],
  ]);
}

function folderSets(folders: ReadonlyArray<readonly [number, FolderCounters]>): Case {
  const by = (pick: (c: FolderCounters) => number, otherwise: string) =>
    caseOf(
      'id',
      folders.map(([id, c]) => [id, pick(c)]),
      otherwise,
    );
  return assignments([
    [
      'message_count',
      plus(
        'message_count',
        by((c) => c.count, '0'),
      ),
    ],
    [
      'unseen_count',
      plus(
        'unseen_count',
        by((c) => c.unseen, '0'),
      ),
    ],
    [
      'size',
      plus(
        'size',
        by((c) => c.sizeDelta, '0'),
      ),
    ],
    ['uidnext', by((c) => c.uidnext, 'uidnext')],
    ['highest_modseq', by((c) => c.modseq, 'highest_modseq')],
  ]);
}

function plus(column: string, c: Case): Case {
  return { sql: `${column} + ${c.sql}`, bindings: c.bindings };
}

/** Rows per counter statement (two bindings per row and column). */
const FOLDERS_PER_UPDATE = 200;

/**
 * Statements that write the stores' modseq and size and the folders' counters of a creation: one
 * UPDATE for the stores and one for the folders (a multi-table UPDATE joining them costs MariaDB
 * more than the two). Every row is already locked by this transaction.
 */
export function createCounterStatements(
  stores: ReadonlyMap<number, StoreCounters>,
  folders: ReadonlyMap<number, FolderCounters>,
): Statement[] {
  const storeList = [...stores].sort(([a], [b]) => a - b);
  const folderList = [...folders].sort(([a], [b]) => a - b);
  if (folderList.length === 0) return [];
  const out: Statement[] = [];
  for (const part of chunks(storeList, FOLDERS_PER_UPDATE)) {
    const s = storeSets(part);
    out.push({
      sql: `update stores set ${s.sql} where id in (${marks(part.length)})`,
      bindings: [...s.bindings, ...part.map(([id]) => id)],
    });
  }
  for (const part of chunks(folderList, FOLDERS_PER_UPDATE)) {
    const f = folderSets(part);
    out.push({
      sql: `update folders set ${f.sql} where id in (${marks(part.length)})`,
      bindings: [...f.bindings, ...part.map(([id]) => id)],
    });
  }
  return out;
}
