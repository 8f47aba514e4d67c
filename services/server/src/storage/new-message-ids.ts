/**
 * How a creating transaction writes its new message rows and learns their ids inside its write
 * trip, for the journal, the delivery keys and the caller.
 *
 * MySQL with consecutive auto-increment ids (connect.ts): each INSERT's first id is kept in a user
 * variable (ours, one per INSERT) and row j's id is that plus j's offset times the session's
 * auto_increment_increment, so the journal and delivery-key rows are plain VALUES and one SELECT
 * returns the first ids and the step. Otherwise (interleaved lock mode, SQLite, portableSql) the
 * rows are found again by folder and uid: the uids [from, to) of each folder are this call's.
 */
import type { Ctx } from './context.js';
import { deliveryKeyStatements, deliveryKeyValues } from './delivery-keys.js';
import { newMessagesJournalStatement, newMessagesJournalValues } from './journal.js';
import { chunks, num } from './rows.js';
import { insertRows, SqlExpr, type Statement } from './statement-batch.js';

/** Rows per messages INSERT. */
const ROWS_PER_INSERT = 100;

/** A new message: its row, and where it goes. */
export interface NewRow {
  row: Record<string, unknown>;
  storeId: number;
  folderId: number;
  uid: number;
  modseq: number;
  deliveryKey?: string;
}

export interface NewRowStatements {
  /** The INSERTs, the journal rows and the delivery keys (writes), in this order. */
  writes: Statement[];
  /** Statements after the writes whose results `ids` reads. */
  idQueries: Statement[];
  /** The id of each new row, keyed `folderId:uid`, from the results of `idQueries`. */
  ids(results: readonly unknown[][]): Map<string, number>;
}

const key = (folderId: number, uid: number) => `${folderId}:${uid}`;
const firstIdVar = (i: number) => `@kgc_first_id_${i}`;

/**
 * `rows` in insert order; `ranges`: per folder, the uids this call assigns. `between` goes after
 * the INSERTs and before the journal (the counter updates).
 */
export function newRowStatements(
  ctx: Ctx,
  rows: readonly NewRow[],
  ranges: ReadonlyArray<{ folderId: number; from: number; to: number }>,
  between: readonly Statement[],
): NewRowStatements {
  const rowChunks = chunks([...rows], ROWS_PER_INSERT);
  if (!(ctx.env.engine === 'mysql' && ctx.env.consecutiveIds())) {
    return {
      writes: [
        ...rowChunks.map((part) =>
          insertRows(
            'messages',
            part.map((r) => r.row),
          ),
        ),
        ...between,
        ...ranges.map((r) => newMessagesJournalStatement(ctx, r.folderId, r.from, r.to)),
        ...deliveryKeyStatements(
          ctx,
          rows.flatMap((r) =>
            r.deliveryKey !== undefined
              ? [{ storeId: r.storeId, key: r.deliveryKey, folderId: r.folderId, uid: r.uid }]
              : [],
          ),
        ),
      ],
      idQueries: ranges.map((r) =>
        ctx
          .db('messages')
          .select('id', 'folder_id', 'uid')
          .where('folder_id', r.folderId)
          .andWhere('uid', '>=', r.from)
          .andWhere('uid', '<', r.to),
      ),
      ids(results) {
        const out = new Map<string, number>();
        for (const found of results)
          for (const r of found as Array<Record<string, unknown>>)
            out.set(key(num(r.folder_id), num(r.uid)), num(r.id));
        return out;
      },
    };
  }
  const idRef = (j: number) =>
    new SqlExpr(`${firstIdVar(Math.floor(j / ROWS_PER_INSERT))} + ? * @@session.auto_increment_increment`, [
      j % ROWS_PER_INSERT,
    ]);
  const indexed = rows.map((r, j) => ({ ...r, id: idRef(j) }));
  // Journal entries per folder in uid order, as the rows are found otherwise.
  const byFolderUid = [...indexed].sort((a, b) => a.folderId - b.folderId || a.uid - b.uid);
  return {
    writes: [
      ...rowChunks.flatMap((part, i) => [
        insertRows(
          'messages',
          part.map((r) => r.row),
        ),
        { sql: `set ${firstIdVar(i)} = last_insert_id()`, bindings: [] },
      ]),
      ...between,
      ...newMessagesJournalValues(ctx, byFolderUid),
      ...deliveryKeyValues(
        ctx,
        indexed.flatMap((r) =>
          r.deliveryKey !== undefined ? [{ storeId: r.storeId, key: r.deliveryKey, id: r.id }] : [],
        ),
      ),
    ],
    idQueries: [
      {
        sql: `select @@session.auto_increment_increment as step, ${rowChunks.map((_, i) => `${firstIdVar(i)} as first_${i}`).join(', ')}`,
        bindings: [],
      },
    ],
    ids(results) {
      const firsts = (results[0]?.[0] ?? {}) as Record<string, unknown>;
      const step = num(firsts.step);
      const out = new Map<string, number>();
      rows.forEach((r, j) => {
        const first = firsts[`first_${Math.floor(j / ROWS_PER_INSERT)}`];
        if (first !== null && first !== undefined)
          out.set(key(r.folderId, r.uid), num(first) + (j % ROWS_PER_INSERT) * step);
      });
      return out;
    },
  };
}
