/**
 * Per-folder metadata cache: uid, message id, flags, size, internal date and modseq of every
 * message, kept exact through the server's change journal. Loading costs one getFolderStatus and
 * one tableQueryRows per TABLE_PAGE messages; a refresh costs one getChanges, plus one table query
 * for the rows the journal names as changed since the cached modseq only when something changed. Caches are shared by
 * every session of the process on the same folder (they are keyed by store and folder, and a
 * store's folders are reachable only through its owner's logon), and kept for a while after the
 * last session left (IDLE_FOLDER_CACHES), so a reconnecting client pays one getChanges.
 *
 * The message list is immutable per version: a change produces a new array, so a session that
 * iterates a snapshot across an await never sees it move.
 */
import { resolveSequenceSet, type SeqInterval } from '@kgc/imap-proto';
import type { Input, Output } from '@kgc/soap';
import { CHANGES_PAGE, IDLE_FOLDER_CACHES, REFRESH_UID_INTERVALS, TABLE_PAGE } from '../limits.js';
import { type FlagGroup, flagLookup } from './flag-groups.js';
import type { FolderInfo, MessageMeta } from './types.js';

/** What a cache load needs of the folder's status. */
export interface FolderSeed {
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
}

/** The SOAP calls the cache makes, with the caller's session (its access rights). */
export type StoreCall = <N extends 'getChanges' | 'tableQueryRows' | 'getFolderStatus'>(
  name: N,
  input: Omit<Input<N>, 'sessionId'>,
) => Promise<Output<N>>;

type Row = Output<'tableQueryRows'>['rows'][number];

const META_COLUMNS = ['uid', 'modseq', 'flags', 'size', 'internalDate'];
const MAX_UID = Number.MAX_SAFE_INTEGER;

/** Distinct flag lists shared per cache, at most this many (keywords could make them many). */
const SHARED_FLAG_LISTS = 1024;
const NO_FLAGS: readonly string[] = [];

function metaOf(r: Row, flags: readonly string[]): MessageMeta {
  return {
    uid: r.uid,
    messageId: r.messageId,
    modseq: r.modseq ?? 0,
    flags,
    size: r.size ?? 0,
    internalDate: r.internalDate ?? new Date(0),
  };
}

export class FolderCache {
  private list: readonly MessageMeta[] = [];
  private versionValue = 0;
  private modseq = 0;
  /** The folder's own highest modseq (HIGHESTMODSEQ), as the server keeps it. */
  private folderModseq = 0;
  private uidNextValue = 1;
  private uidValidityValue = 0;
  private loaded = false;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  /**
   * Messages with the same flags share one (read-only) list: a large folder has a handful of
   * distinct ones, and a list per message would be a third of the cache.
   */
  private readonly flagLists = new Map<string, readonly string[]>();
  /** Sessions holding this cache. */
  refs = 0;

  constructor(
    readonly storeId: number,
    readonly folderId: number,
  ) {}

  get uidValidity(): number {
    return this.uidValidityValue;
  }
  get uidNext(): number {
    return this.uidNextValue;
  }
  /**
   * The folder's HIGHESTMODSEQ: its own highest mod-sequence (what STATUS reads from the server),
   * not the store-wide journal position the cache resumes from.
   */
  get highestModseq(): number {
    return this.folderModseq;
  }
  get messages(): readonly MessageMeta[] {
    return this.list;
  }
  /** Counts the times `messages` was replaced. */
  get version(): number {
    return this.versionValue;
  }

  /**
   * Up to date as of a moment after this call started: a refresh already running when it is
   * called is followed by one more.
   */
  refresh(call: StoreCall, seed?: FolderSeed): Promise<void> {
    if (this.running) {
      this.queued ??= this.running.then(
        () => {
          this.queued = undefined;
          return this.refresh(call);
        },
        () => {
          this.queued = undefined;
          return this.refresh(call);
        },
      );
      return this.queued;
    }
    const run = (this.loaded ? this.update(call) : this.load(call, seed)).finally(() => {
      this.running = undefined;
    });
    this.running = run;
    return run;
  }

  /**
   * Apply the answer of the caller's own setMessageFlags: no round trip. When the cache held every
   * change before it (its modseq is the one just below), it is now exact at the call's modseq, and
   * the refresh the bus triggers finds nothing to read.
   */
  applyFlags(groups: readonly FlagGroup[]): void {
    if (groups.length === 0) return;
    const find = flagLookup(groups);
    this.versionValue++;
    this.list = this.list.map((m) => {
      const g = find(m.uid);
      return g && g.modseq >= m.modseq ? { ...m, flags: this.sharedFlags(g.flags), modseq: g.modseq } : m;
    });
    const modseq = Math.max(...groups.map((g) => g.modseq));
    this.folderModseq = Math.max(this.folderModseq, modseq);
    if (this.loaded && !this.running && this.modseq === modseq - 1) this.modseq = modseq;
  }

  /** Folder status fields from the cache (counts are exact after a refresh). */
  statusOf(base: FolderInfo): FolderInfo {
    let unseen = 0;
    for (const m of this.list) if (!m.flags.includes('\\Seen')) unseen++;
    return {
      ...base,
      uidValidity: this.uidValidityValue,
      uidNext: Math.max(this.uidNextValue, base.uidNext),
      highestModseq: Math.max(this.folderModseq, base.highestModseq),
      messages: this.list.length,
      unseen,
    };
  }

  /**
   * Every row, after the folder's status: read now, or `seed`, a status read moments before (the
   * folder list the caller just fetched) — older is safe, as a change after it is read again.
   */
  private async load(call: StoreCall, seed?: FolderSeed): Promise<void> {
    const folder = seed ?? (await call('getFolderStatus', { folderId: this.folderId })).folder;
    const rows = await this.rows(call, undefined);
    this.versionValue++;
    this.list = rows;
    this.uidValidityValue = folder.uidValidity;
    this.uidNextValue = Math.max(folder.uidNext, (rows[rows.length - 1]?.uid ?? 0) + 1);
    // Changes committed after the status was read are read again by the next refresh.
    this.modseq = folder.highestModseq;
    this.folderModseq = folder.highestModseq;
    this.loaded = true;
  }

  private async update(call: StoreCall): Promise<void> {
    const since = this.modseq;
    const expunged = new Set<number>();
    let changed = false;
    // The uids the journal names as new or changed; undefined once one is not named (then every
    // row is asked for, filtered by modseq).
    let touched: Array<[number, number]> | undefined = [];
    let highest = since;
    let uidNext = this.uidNextValue;
    // An expunge that names no uid: which messages went is unknown, the folder is read again.
    let reload = false;
    let folderModseq = this.folderModseq;
    for (let from = since; ; ) {
      const r = await call('getChanges', {
        storeId: this.storeId,
        folderId: this.folderId,
        sinceModseq: from,
        limit: CHANGES_PAGE,
      });
      if (r.truncated) {
        this.loaded = false;
        await this.load(call);
        return;
      }
      for (const c of r.changes) {
        if (c.folderId !== undefined && c.folderId !== this.folderId) continue;
        if (c.folderId === this.folderId) folderModseq = Math.max(folderModseq, c.modseq);
        const top = c.uidLast ?? c.uid;
        if (top !== undefined) uidNext = Math.max(uidNext, top + 1);
        if (c.kind === 'message-expunge') {
          if (c.uid === undefined) reload = true;
          else if (c.uidLast === undefined) expunged.add(c.uid);
          else for (const m of this.list) if (m.uid >= c.uid && m.uid <= c.uidLast) expunged.add(m.uid);
        } else if (c.kind.startsWith('message-')) {
          changed = true;
          if (c.uid === undefined) touched = undefined;
          else touched?.push([c.uid, top ?? c.uid]);
        }
      }
      const last = r.changes[r.changes.length - 1];
      highest = Math.max(highest, r.highestModseq);
      if (!r.more || !last) break;
      from = last.modseq;
    }
    if (reload) {
      this.loaded = false;
      await this.load(call);
      return;
    }
    const upserts = changed ? await this.rows(call, since + 1, touched && uidIntervals(touched)) : [];
    this.uidNextValue = uidNext;
    this.modseq = highest;
    this.folderModseq = folderModseq;
    if (expunged.size === 0 && upserts.length === 0) return;
    this.merge(expunged, upserts);
  }

  private merge(expunged: ReadonlySet<number>, upserts: readonly MessageMeta[]): void {
    const byUid = new Map(upserts.map((m) => [m.uid, m]));
    const next: MessageMeta[] = [];
    for (const m of this.list) {
      if (expunged.has(m.uid)) continue;
      const u = byUid.get(m.uid);
      if (u) {
        byUid.delete(m.uid);
        next.push(u.modseq >= m.modseq ? u : m);
      } else next.push(m);
    }
    // The rest are new: a uid is never reused, so a new one is above every uid we hold — unless
    // its expunge is already in this batch (added and removed between two refreshes).
    const added = [...byUid.values()].filter((m) => !expunged.has(m.uid)).sort((a, b) => a.uid - b.uid);
    const lastUid = next[next.length - 1]?.uid ?? 0;
    if (added.length > 0 && (added[0]?.uid ?? 0) <= lastUid) {
      next.push(...added);
      next.sort((a, b) => a.uid - b.uid);
    } else next.push(...added);
    for (const m of added) this.uidNextValue = Math.max(this.uidNextValue, m.uid + 1);
    this.versionValue++;
    this.list = next;
  }

  private sharedFlags(flags: readonly string[]): readonly string[] {
    if (flags.length === 0) return NO_FLAGS;
    const key = flags.join(' ');
    const known = this.flagLists.get(key);
    if (known) return known;
    if (this.flagLists.size < SHARED_FLAG_LISTS) this.flagLists.set(key, flags);
    return flags;
  }

  /**
   * Every row (or those with modseq >= minModseq), ascending uid, paged by uid; only within `within`
   * (uid intervals, ascending and disjoint) when given: the server has no index by modseq, so a
   * refresh names the rows the journal says changed.
   */
  private async rows(
    call: StoreCall,
    minModseq: number | undefined,
    within?: ReadonlyArray<readonly [number, number]>,
  ): Promise<MessageMeta[]> {
    const out: MessageMeta[] = [];
    let after = 0;
    for (;;) {
      const uidRanges = within
        ? within.filter(([, hi]) => hi > after).map(([lo, hi]) => ({ from: Math.max(lo, after + 1), to: hi }))
        : [{ from: after + 1, to: MAX_UID }];
      if (uidRanges.length === 0) return out;
      const r = await call('tableQueryRows', {
        folderId: this.folderId,
        columns: META_COLUMNS,
        restriction: {
          uidRanges,
          flagsSet: [],
          flagsUnset: [],
          headers: [],
          ...(minModseq !== undefined ? { modseqSince: minModseq } : {}),
        },
        sort: [{ column: 'uid', descending: false }],
        limit: TABLE_PAGE,
      });
      for (const row of r.rows) out.push(metaOf(row, this.sharedFlags(row.flags)));
      const last = r.rows[r.rows.length - 1];
      if (r.rows.length < TABLE_PAGE || !last) return out;
      after = last.uid;
    }
  }
}

/**
 * The journal's uid intervals sorted and merged; undefined when they stay more than
 * REFRESH_UID_INTERVALS (then the refresh asks for every row changed since, by modseq).
 */
export function uidIntervals(list: ReadonlyArray<readonly [number, number]>): SeqInterval[] | undefined {
  const merged = resolveSequenceSet({ ranges: list.map(([from, to]) => ({ from, to })) }, MAX_UID);
  return merged.length > REFRESH_UID_INTERVALS ? undefined : merged;
}

/** The process's folder caches: shared while in use, the last IDLE_FOLDER_CACHES unused ones kept. */
export class FolderCaches {
  private readonly caches = new Map<string, FolderCache>();
  /** Unused caches, oldest first. */
  private readonly idle = new Set<string>();

  constructor(private readonly keepIdle = IDLE_FOLDER_CACHES) {}

  acquire(storeId: number, folderId: number): FolderCache {
    const key = `${storeId}:${folderId}`;
    let c = this.caches.get(key);
    if (!c) {
      c = new FolderCache(storeId, folderId);
      this.caches.set(key, c);
    }
    this.idle.delete(key);
    c.refs++;
    return c;
  }

  release(cache: FolderCache): void {
    cache.refs--;
    if (cache.refs > 0) return;
    const key = `${cache.storeId}:${cache.folderId}`;
    this.idle.add(key);
    while (this.idle.size > this.keepIdle) {
      const oldest = this.idle.values().next().value as string;
      this.idle.delete(oldest);
      this.caches.delete(oldest);
    }
  }

  /** A folder was deleted or recreated through this gateway: forget it. */
  drop(storeId: number, folderId: number): void {
    const key = `${storeId}:${folderId}`;
    if (this.idle.delete(key)) this.caches.delete(key);
  }

  get size(): number {
    return this.caches.size;
  }
}
