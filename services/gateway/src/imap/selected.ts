/**
 * The selected mailbox of one session: its own view of the folder (sequence number n is
 * `view[n-1]`), kept apart from the shared metadata cache so that sequence numbers change only
 * when this session reports it (RFC 3501 §7.4.1). `sync` compares the view with the cache and
 * returns the untagged responses: EXPUNGE or VANISHED (only when allowed: never during FETCH,
 * STORE or SEARCH), EXISTS/RECENT for new messages, FETCH FLAGS for flags changed by others.
 *
 * Memory: when the session is in step with the cache (the usual case, and always while idle) the
 * view is the cache's own immutable array, so an idle session holds no per-message data.
 */
import type { SeqInterval, SequenceSet } from '@kgc/imap-proto';
import { formatNumberSet, resolveSequenceSet } from '@kgc/imap-proto';
import { type FlagGroup, flagLookup } from '../store/flag-groups.js';
import type { FolderHandle, FolderInfo, MessageMeta } from '../store/types.js';
import { bad } from './errors.js';
import { flagList } from './wire.js';

export type ViewEntry = MessageMeta;

function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i]);
}

export class SelectedMailbox {
  private viewArr: readonly MessageMeta[];
  /** \Recent of this session: arrived while it had the mailbox selected. */
  private readonly recentUids = new Set<number>();
  /** Gone from the folder, not yet reported (EXPUNGE was not allowed at the time). */
  private readonly ghosts = new Set<number>();
  /**
   * HIGHESTMODSEQ when the session last had nothing pending: below the mod-sequence of any expunge
   * held back since (it was not in the cache then).
   */
  private reportedModseq: number;

  constructor(
    readonly name: string,
    readonly folder: FolderInfo,
    readonly handle: FolderHandle,
    readonly readOnly: boolean,
  ) {
    this.viewArr = handle.messages();
    this.reportedModseq = this.highestModseq();
  }

  /**
   * While expunges are held back (FETCH, STORE, SEARCH), the HIGHESTMODSEQ a client may keep: it
   * must not take a MODSEQ sent meanwhile as its resync point and lose the expunges (RFC 7162,
   * erratum 1810 of RFC 5162). Undefined when nothing is held back.
   */
  heldBackModseq(): number | undefined {
    return this.ghosts.size > 0 ? this.reportedModseq : undefined;
  }

  get view(): readonly MessageMeta[] {
    return this.viewArr;
  }

  get uidValidity(): number {
    return this.handle.uidValidity;
  }

  get exists(): number {
    return this.viewArr.length;
  }

  /** The view is the cache's current array and nothing is pending: no sync needed. */
  get inStep(): boolean {
    return this.viewArr === this.handle.messages() && this.ghosts.size === 0;
  }

  isRecent(uid: number): boolean {
    return this.recentUids.has(uid);
  }

  isExpunged(uid: number): boolean {
    return this.ghosts.has(uid);
  }

  /** HIGHESTMODSEQ: at least the cache's journal position and every message's modseq. */
  highestModseq(): number {
    let max = this.handle.highestModseq();
    for (const e of this.viewArr) if (e.modseq > max) max = e.modseq;
    return max;
  }

  flagsOf(e: MessageMeta): string[] {
    return this.recentUids.has(e.uid) ? [...e.flags, '\\Recent'] : [...e.flags];
  }

  /** Entries by sequence numbers or UIDs, ascending, with their sequence numbers. */
  resolve(set: SequenceSet, byUid: boolean): Array<{ seq: number; entry: MessageMeta }> {
    const view = this.viewArr;
    const out: Array<{ seq: number; entry: MessageMeta }> = [];
    for (const [start, end] of this.spans(set, byUid))
      for (let i = start; i < end; i++) out.push({ seq: i + 1, entry: view[i] as MessageMeta });
    return out;
  }

  /**
   * The messages of `set` that are not expunged, as uid intervals for the server (flag-groups
   * viewRuns): neighbours in the view form one interval. Walks the spans, not the messages, unless
   * an unreported expunge sits in the view.
   */
  uidRuns(set: SequenceSet, byUid: boolean): SeqInterval[] {
    const view = this.viewArr;
    const out: Array<[number, number]> = [];
    let prevEnd = -1;
    const add = (start: number, end: number) => {
      const last = out[out.length - 1];
      const lo = (view[start] as MessageMeta).uid;
      const hi = (view[end - 1] as MessageMeta).uid;
      if (last && start === prevEnd) last[1] = hi;
      else out.push([lo, hi]);
      prevEnd = end;
    };
    for (const [start, end] of this.spans(set, byUid)) {
      if (this.ghosts.size === 0) {
        add(start, end);
        continue;
      }
      let from = start;
      for (let i = start; i <= end; i++) {
        if (i < end && !this.ghosts.has((view[i] as MessageMeta).uid)) continue;
        if (i > from) add(from, i);
        from = i + 1;
      }
    }
    return out;
  }

  /**
   * The same as view index intervals `[start, end)`, ascending and disjoint, for the current view:
   * a command over a large mailbox walks them instead of holding an entry per message.
   */
  spans(set: SequenceSet, byUid: boolean): Array<readonly [start: number, end: number]> {
    const view = this.viewArr;
    // RFC 3501 §9 (seq-number): a message number above the mailbox's count is a client error.
    // A range with `*` stays lenient (`1:*` on an empty mailbox names nothing).
    if (!byUid)
      for (const r of set.ranges) {
        if (r.from === '*' || r.to === '*') continue;
        const top = Math.max(r.from, r.to);
        if (top > view.length) throw bad(`Invalid message number ${top}: the mailbox has ${view.length} messages.`);
      }
    if (view.length === 0) return [];
    if (!byUid) return resolveSequenceSet(set, view.length).map(([lo, hi]) => [lo - 1, hi] as const);
    const maxUid = view[view.length - 1]?.uid ?? 0;
    const out: Array<readonly [number, number]> = [];
    for (const [lo, hi] of resolveSequenceSet(set, maxUid)) {
      const start = this.lowerBound(lo);
      const end = this.lowerBound(hi + 1);
      if (start < end) out.push([start, end]);
    }
    return out;
  }

  private lowerBound(uid: number): number {
    const view = this.viewArr;
    let lo = 0;
    let hi = view.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((view[mid] as MessageMeta).uid < uid) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  seqOf(uid: number): number | undefined {
    const i = this.lowerBound(uid);
    return this.viewArr[i]?.uid === uid ? i + 1 : undefined;
  }

  /**
   * Taken before a STORE's server call when the session is in step with the cache: applyOwn can
   * then take the cache's array, if the answer applied to it is all that changed it meanwhile.
   */
  ownChangeToken(): number | undefined {
    return this.inStep ? this.handle.version() : undefined;
  }

  /**
   * Flags this session set itself (its own STORE answer): no untagged FETCH for them later. The
   * store applied the answer to the cache already; a session that was in step, where nothing else
   * replaced the cache's array since `token`, takes that array (in step again, no copy of its own).
   */
  applyOwn(groups: readonly FlagGroup[], token?: number): void {
    if (groups.length === 0) return;
    if (token !== undefined && this.handle.version() === token + 1 && this.ghosts.size === 0) {
      this.viewArr = this.handle.messages();
      return;
    }
    const find = flagLookup(groups);
    this.viewArr = this.viewArr.map((e) => {
      const g = find(e.uid);
      return g ? { ...e, flags: g.flags, modseq: g.modseq } : e;
    });
  }

  /** Compare with the cache; untagged responses in the order they must go out. */
  sync(allowExpunge: boolean, withModseq = false, vanished = false): string[] {
    const cur = this.handle.messages();
    const old = this.viewArr;
    const out: string[] = [];
    const expunged: Array<{ seq: number; uid: number }> = [];
    const next: MessageMeta[] = [];
    /** Indexes into `next` whose flags others changed. */
    const changed: number[] = [];
    let j = 0;
    for (const v of old) {
      while (j < cur.length && (cur[j] as MessageMeta).uid < v.uid) j++;
      const m = cur[j];
      if (!m || m.uid !== v.uid) {
        if (allowExpunge) {
          expunged.push({ seq: next.length + expunged.length + 1, uid: v.uid });
          this.ghosts.delete(v.uid);
          this.recentUids.delete(v.uid);
        } else {
          this.ghosts.add(v.uid);
          next.push(v);
        }
        continue;
      }
      if (m !== v && m.modseq !== v.modseq && !sameFlags(m.flags, v.flags)) changed.push(next.length);
      next.push(m);
    }
    if (vanished && expunged.length > 0) {
      // RFC 7162 §3.2.10: once QRESYNC is enabled, VANISHED replaces EXPUNGE.
      out.push(`* VANISHED ${formatNumberSet(expunged.map((x) => x.uid))}`);
    } else {
      // Higher numbers first: each EXPUNGE leaves the numbers below it unchanged.
      for (let k = expunged.length - 1; k >= 0; k--) out.push(`* ${expunged[k]?.seq} EXPUNGE`);
    }
    const lastUid = old[old.length - 1]?.uid ?? 0;
    let added = 0;
    for (const m of cur) {
      if (m.uid <= lastUid) continue;
      next.push(m);
      this.recentUids.add(m.uid);
      added++;
    }
    // In step again: share the cache's array instead of holding a copy.
    this.viewArr = this.ghosts.size === 0 && next.length === cur.length ? cur : next;
    if (this.ghosts.size === 0) this.reportedModseq = Math.max(this.reportedModseq, this.highestModseq());
    if (added > 0) {
      out.push(`* ${next.length} EXISTS`);
      out.push(`* ${this.recentUids.size} RECENT`);
    }
    for (const i of changed) {
      const e = next[i] as MessageMeta;
      out.push(
        `* ${i + 1} FETCH (UID ${e.uid} FLAGS ${flagList(this.flagsOf(e))}${withModseq ? ` MODSEQ (${e.modseq})` : ''})`,
      );
    }
    return out;
  }
}
