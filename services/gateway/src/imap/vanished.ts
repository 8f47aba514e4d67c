/**
 * The UIDs a QRESYNC client is told are gone (VANISHED (EARLIER), RFC 7162 §3.2.5.1 and §3.2.6):
 * from the change journal when it reaches back to the client's modseq; when it does not (pruned),
 * every UID of the asked set below UIDNEXT that the mailbox does not hold, as the RFC requires.
 */
import { formatNumberSet, resolveSequenceSet, type SequenceSet, sequenceSetHas } from '@kgc/imap-proto';
import type { MessageMeta } from '../store/types.js';

type Interval = readonly [low: number, high: number];

/** UIDs below uidNext that are not in the view, as intervals (the view is in UID order). */
function gapsOf(view: readonly MessageMeta[], uidNext: number): Interval[] {
  const out: Interval[] = [];
  let next = 1;
  for (const e of view) {
    if (e.uid > next) out.push([next, e.uid - 1]);
    next = e.uid + 1;
  }
  if (next < uidNext) out.push([next, uidNext - 1]);
  return out;
}

/** The intersection of two ascending lists of disjoint intervals. */
function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const [alo, ahi] = a[i] as Interval;
    const [blo, bhi] = b[j] as Interval;
    const lo = Math.max(alo, blo);
    const hi = Math.min(ahi, bhi);
    if (lo <= hi) out.push([lo, hi]);
    if (ahi < bhi) i++;
    else j++;
  }
  return out;
}

function formatIntervals(list: readonly Interval[]): string {
  return list.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}:${hi}`)).join(',');
}

/**
 * The VANISHED (EARLIER) set ('' for none): `gone` as the journal gave it, limited to `within`
 * (UIDs, `*` being `maxUid`) when given; or, when the journal is incomplete, the gaps of `view`.
 */
export function vanishedSet(
  gone: { uids: readonly number[]; complete: boolean },
  view: readonly MessageMeta[],
  uidNext: number,
  within: SequenceSet | undefined,
  maxUid: number,
): string {
  if (gone.complete)
    return formatNumberSet(within ? gone.uids.filter((u) => sequenceSetHas(within, u, maxUid)) : [...gone.uids]);
  let gaps = gapsOf(view, uidNext);
  if (within) gaps = intersect(gaps, resolveSequenceSet(within, maxUid));
  return formatIntervals(gaps);
}
