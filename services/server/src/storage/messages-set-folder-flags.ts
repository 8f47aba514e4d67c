/**
 * Flags of the messages of one folder named by uid ranges (IMAP STORE, and FETCH's implicit \Seen):
 * two round trips however many messages. The first takes the store and folder locks and reads the
 * targeted rows under them; the second writes one UPDATE per run of consecutive messages that end
 * with the same flags (by uid range, not by id list), the counters, one journal row per run, and
 * COMMIT. A whole-mailbox STORE is a handful of statements and journal rows.
 */
import type { Ctx } from './context.js';
import { createCounterStatements, lockFolderStores } from './create-lock.js';
import { notFound } from './db-errors.js';
import type { StoreChange } from './journal.js';
import { journalStatements, type NewJournalEntry } from './journal.js';
import { decodeKeywords, encodeKeywords } from './message-flags.js';
import type { FlagChange, SetFlagsOptions } from './message-types.js';
import { applyFlags, applyKeywords, checkFlagChange, unseenDelta } from './messages-set-flags.js';
import { chunks, num } from './rows.js';
import { runStatements, type Statement } from './statement-batch.js';

/** A closed uid interval `[low, high]`. */
export type UidInterval = readonly [low: number, high: number];

/** Intervals per statement: two bindings each, far below the engines' bind limits. */
const INTERVALS_PER_STATEMENT = 250;

export interface FolderFlagGroup {
  flags: number;
  keywords: string[];
  /**
   * Runs of consecutive messages (uid intervals, ascending) that now have these flags; a run may
   * span uids of messages that are gone, never one of another message.
   */
  runs: UidInterval[];
  /** The uids of the messages changed, ascending (exact: what the answer names). */
  uids: number[];
}

export interface SetFolderFlagsResult {
  /** The operation's modseq; 0 when it changed nothing. */
  modseq: number;
  /** The folder's highest modseq before the operation, read under its lock. */
  folderModseq: number;
  /** The changed messages, by resulting flags. */
  groups: FolderFlagGroup[];
  /** Uids refused by the unchangedSince guard (RFC 7162 MODIFIED), ascending. */
  modified: number[];
  changes: StoreChange[];
}

/** Sorted, merged, positive intervals. */
export function normalizeIntervals(intervals: readonly UidInterval[]): UidInterval[] {
  const sorted = intervals
    .map(([a, b]): UidInterval => (a <= b ? [a, b] : [b, a]))
    .filter(([, b]) => b >= 1)
    .map(([a, b]): UidInterval => [Math.max(1, a), b])
    .sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function uidCondition(intervals: readonly UidInterval[]): { sql: string; bindings: number[] } {
  return {
    sql: `(${intervals.map(([a, b]) => (a === b ? 'uid = ?' : 'uid between ? and ?')).join(' or ')})`,
    bindings: intervals.flatMap(([a, b]) => (a === b ? [a] : [a, b])),
  };
}

interface Run {
  key: string;
  interval: number;
  from: number;
  to: number;
  firstId: number;
}

export async function setFolderFlags(
  ctx: Ctx,
  folderId: number,
  uids: readonly UidInterval[],
  change: FlagChange,
  opts: SetFlagsOptions = {},
): Promise<SetFolderFlagsResult> {
  const keywordOp = checkFlagChange(change);
  const targets = normalizeIntervals(uids);
  const reads: Statement[] = chunks(targets, INTERVALS_PER_STATEMENT).map((part) => {
    const c = uidCondition(part);
    return {
      sql: `select id, uid, flags, keywords, modseq from messages where folder_id = ? and ${c.sql} order by uid`,
      bindings: [folderId, ...c.bindings],
    };
  });
  // Trip 1: the locks, and the rows read under them.
  const { stores, folders, extra } = await lockFolderStores(ctx, [folderId], reads);
  const folder = folders.get(folderId);
  const store = folder ? stores.get(folder.storeId) : undefined;
  if (!folder || !store) throw notFound('folder', folderId);
  const modseq = store.modseq + 1;

  const groups = new Map<string, FolderFlagGroup>();
  const modified: number[] = [];
  const journal: NewJournalEntry[] = [];
  let unseen = 0;
  let run: Run | undefined;
  const close = () => {
    if (!run) return;
    groups.get(run.key)?.runs.push([run.from, run.to]);
    journal.push({
      storeId: store.id,
      modseq,
      folderId,
      messageId: run.from === run.to ? run.firstId : null,
      uid: run.from,
      uidLast: run.from === run.to ? null : run.to,
      kind: 'message-flags',
    });
    run = undefined;
  };
  let interval = 0;
  for (const rows of extra) {
    for (const r of rows as Array<Record<string, unknown>>) {
      const uid = num(r.uid);
      while ((targets[interval]?.[1] ?? Number.POSITIVE_INFINITY) < uid) interval++;
      if (opts.unchangedSince !== undefined && num(r.modseq) > opts.unchangedSince) {
        modified.push(uid);
        close();
        continue;
      }
      const flags = num(r.flags);
      const newFlags = applyFlags(flags, change);
      const stored = typeof r.keywords === 'string' ? r.keywords : '';
      const encoded = keywordOp ? encodeKeywords(applyKeywords(decodeKeywords(stored), change)) : stored;
      if (newFlags === flags && encoded === stored) {
        close();
        continue;
      }
      // Grouped by the whole result (keywords too): each group is answered with one flag list.
      const key = `${newFlags}|${encoded}`;
      const group = groups.get(key) ?? { flags: newFlags, keywords: decodeKeywords(encoded), runs: [], uids: [] };
      if (!groups.has(key)) groups.set(key, group);
      group.uids.push(uid);
      unseen += unseenDelta(flags, newFlags);
      if (run && run.key === key && run.interval === interval) run.to = uid;
      else {
        close();
        run = { key, interval, from: uid, to: uid, firstId: num(r.id) };
      }
    }
  }
  close();
  if (groups.size === 0) {
    return { modseq: 0, folderModseq: folder.modseq, groups: [], modified, changes: [] };
  }

  // Trip 2: the updates, the counters, the journal, COMMIT.
  const writes: Statement[] = [];
  for (const g of groups.values()) {
    for (const part of chunks(g.runs, INTERVALS_PER_STATEMENT)) {
      const c = uidCondition(part);
      writes.push({
        sql: `update messages set flags = ?, ${keywordOp ? 'keywords = ?, ' : ''}modseq = ? where folder_id = ? and ${c.sql}`,
        bindings: [g.flags, ...(keywordOp ? [encodeKeywords(g.keywords)] : []), modseq, folderId, ...c.bindings],
      });
    }
  }
  writes.push(
    ...createCounterStatements(
      new Map([[store.id, { modseq, sizeDelta: 0 }]]),
      new Map([[folderId, { count: 0, unseen, sizeDelta: 0, uidnext: folder.uidnext, modseq }]]),
    ),
    ...journalStatements(
      ctx,
      journal.sort((a, b) => (a.uid ?? 0) - (b.uid ?? 0)),
    ),
  );
  await runStatements(ctx, writes, { commit: true });
  return {
    modseq,
    folderModseq: folder.modseq,
    groups: [...groups.values()],
    modified,
    changes: [{ storeId: store.id, modseq }],
  };
}
