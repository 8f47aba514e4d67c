/**
 * The answer of a flag change by uids: the changed messages grouped by their new flags, each group
 * a list of uid intervals. Looking a uid up is a binary search over the intervals, so applying the
 * answer of a whole-mailbox STORE to a cache is one pass over it.
 */
import type { SeqInterval } from '@kgc/imap-proto';

export interface FlagGroup {
  modseq: number;
  flags: readonly string[];
  /** Sorted, disjoint. */
  uids: readonly SeqInterval[];
}

export type FlagLookup = (uid: number) => FlagGroup | undefined;

export function flagLookup(groups: readonly FlagGroup[]): FlagLookup {
  const spans = groups.flatMap((g) => g.uids.map(([low, high]) => ({ low, high, g }))).sort((a, b) => a.low - b.low);
  return (uid) => {
    let lo = 0;
    let hi = spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((spans[mid]?.low ?? 0) <= uid) lo = mid + 1;
      else hi = mid;
    }
    const s = spans[lo - 1];
    return s && uid <= s.high ? s.g : undefined;
  };
}

/**
 * Uids (ascending, as the session's view holds them) as intervals for the server: neighbours in the
 * view form one interval even when uids between them are gone, since no message the view lacks can
 * sit between two it holds (uids only grow).
 */
export function viewRuns(targets: ReadonlyArray<{ seq: number; uid: number }>): SeqInterval[] {
  const sorted = [...targets].sort((a, b) => a.seq - b.seq);
  const out: Array<[number, number]> = [];
  let prevSeq = -1;
  for (const t of sorted) {
    const last = out[out.length - 1];
    if (last && t.seq === prevSeq + 1) last[1] = t.uid;
    else out.push([t.uid, t.uid]);
    prevSeq = t.seq;
  }
  return out;
}
