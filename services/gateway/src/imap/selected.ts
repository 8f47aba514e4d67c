/**
 * The selected mailbox of one session: its own view of the folder (sequence number n is
 * `view[n-1]`), kept apart from the shared metadata cache so that sequence numbers change only
 * when this session reports it (RFC 3501 §7.4.1). `sync` compares the view with the cache and
 * returns the untagged responses: EXPUNGE (only when allowed: never during FETCH, STORE or
 * SEARCH), EXISTS/RECENT for new messages, FETCH FLAGS for flags changed by others.
 */
import type { SeqInterval, SequenceSet } from '@kgc/imap-proto';
import { formatNumberSet, resolveSequenceSet } from '@kgc/imap-proto';
import type { FolderHandle, FolderInfo, MessageMeta } from '../store/types.js';
import { flagList } from './wire.js';

export interface ViewEntry {
  uid: number;
  messageId: number;
  flags: readonly string[];
  modseq: number;
  size: number;
  internalDate: Date;
  recent: boolean;
  /** Gone from the folder, not yet reported (EXPUNGE not allowed at the time). */
  expunged: boolean;
}

function entryOf(m: MessageMeta, recent: boolean): ViewEntry {
  return {
    uid: m.uid,
    messageId: m.messageId,
    flags: m.flags,
    modseq: m.modseq,
    size: m.size,
    internalDate: m.internalDate,
    recent,
    expunged: false,
  };
}

function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i]);
}

export class SelectedMailbox {
  view: ViewEntry[];

  constructor(
    readonly name: string,
    readonly folder: FolderInfo,
    readonly handle: FolderHandle,
    readonly readOnly: boolean,
  ) {
    this.view = handle.messages().map((m) => entryOf(m, false));
  }

  get uidValidity(): number {
    return this.handle.uidValidity;
  }

  /** HIGHESTMODSEQ: at least the cache's journal position and every message's modseq. */
  highestModseq(): number {
    let max = this.handle.highestModseq();
    for (const e of this.view) if (e.modseq > max) max = e.modseq;
    return max;
  }

  get exists(): number {
    return this.view.length;
  }

  flagsOf(e: ViewEntry): string[] {
    return e.recent ? [...e.flags, '\\Recent'] : [...e.flags];
  }

  /** Entries by sequence numbers or UIDs, ascending, with their sequence numbers. */
  resolve(set: SequenceSet, byUid: boolean): Array<{ seq: number; entry: ViewEntry }> {
    const out: Array<{ seq: number; entry: ViewEntry }> = [];
    if (this.view.length === 0) return out;
    if (!byUid) {
      for (const [lo, hi] of resolveSequenceSet(set, this.view.length)) {
        for (let s = lo; s <= hi; s++) out.push({ seq: s, entry: this.view[s - 1] as ViewEntry });
      }
      return out;
    }
    const maxUid = this.view[this.view.length - 1]?.uid ?? 0;
    const intervals: SeqInterval[] = resolveSequenceSet(set, maxUid);
    for (const [lo, hi] of intervals) {
      for (let i = this.lowerBound(lo); i < this.view.length; i++) {
        const e = this.view[i] as ViewEntry;
        if (e.uid > hi) break;
        out.push({ seq: i + 1, entry: e });
      }
    }
    return out;
  }

  private lowerBound(uid: number): number {
    let lo = 0;
    let hi = this.view.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.view[mid] as ViewEntry).uid < uid) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  seqOf(uid: number): number | undefined {
    const i = this.lowerBound(uid);
    return this.view[i]?.uid === uid ? i + 1 : undefined;
  }

  /** Flags this session set itself (its own STORE answer): no untagged FETCH for them later. */
  applyOwn(updates: ReadonlyArray<{ uid: number; modseq: number; flags: readonly string[] }>): void {
    for (const u of updates) {
      const seq = this.seqOf(u.uid);
      if (seq === undefined) continue;
      const e = this.view[seq - 1] as ViewEntry;
      this.view[seq - 1] = { ...e, flags: [...u.flags], modseq: u.modseq };
    }
  }

  /** Compare with the cache; untagged responses in the order they must go out. */
  sync(allowExpunge: boolean, withModseq = false, vanished = false): string[] {
    const cur = this.handle.messages();
    const out: string[] = [];
    const expungedSeqs: number[] = [];
    const next: ViewEntry[] = [];
    /** Indexes into `next` whose flags others changed. */
    const changed: number[] = [];
    let j = 0;
    for (const v of this.view) {
      while (j < cur.length && (cur[j] as MessageMeta).uid < v.uid) j++;
      const m = cur[j];
      if (!m || m.uid !== v.uid) {
        if (allowExpunge) expungedSeqs.push(next.length + expungedSeqs.length + 1);
        else next.push(v.expunged ? v : { ...v, expunged: true });
        continue;
      }
      if (m.modseq === v.modseq) next.push(v);
      else {
        if (!sameFlags(m.flags, v.flags)) changed.push(next.length);
        next.push({ ...v, flags: m.flags, modseq: m.modseq });
      }
    }
    if (vanished && expungedSeqs.length > 0) {
      // RFC 7162 §3.2.10: once QRESYNC is enabled, VANISHED replaces EXPUNGE.
      out.push(`* VANISHED ${formatNumberSet(expungedSeqs.map((s) => (this.view[s - 1] as ViewEntry).uid))}`);
    } else {
      // Higher numbers first: each EXPUNGE leaves the numbers below it unchanged.
      for (let k = expungedSeqs.length - 1; k >= 0; k--) out.push(`* ${expungedSeqs[k]} EXPUNGE`);
    }
    const lastUid = this.view[this.view.length - 1]?.uid ?? 0;
    let added = 0;
    for (const m of cur) {
      if (m.uid <= lastUid) continue;
      next.push(entryOf(m, true));
      added++;
    }
    this.view = next;
    if (added > 0) {
      out.push(`* ${next.length} EXISTS`);
      out.push(`* ${next.filter((e) => e.recent).length} RECENT`);
    }
    for (const i of changed) {
      const e = next[i] as ViewEntry;
      out.push(
        `* ${i + 1} FETCH (UID ${e.uid} FLAGS ${flagList(this.flagsOf(e))}${withModseq ? ` MODSEQ (${e.modseq})` : ''})`,
      );
    }
    return out;
  }
}
