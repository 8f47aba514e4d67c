/**
 * The MailStore backed by the server's SOAP API, one user session per logged-on IMAP/POP3
 * session. The session logs on again with the same credentials when the server expired it
 * (KGC's gateway keeps the credentials for the same reason). Folder metadata comes from the
 * shared FolderCaches, raw messages from the shared BodyCache.
 */

import { iterateSequenceSet, parseSequenceSet, resolveSequenceSet, type SeqInterval } from '@kgc/imap-proto';
import type { Logger } from '@kgc/log';
import { headerBlock } from '@kgc/mapi';
import { type Input, KgcSession, type OperationName, type Output, type SoapClient } from '@kgc/soap';
import {
  CHANGES_PAGE,
  FOLDER_SEED_MS,
  HIERARCHY_TTL_MS,
  LOAD_HEADERS_BATCH,
  LOAD_MESSAGES_BATCH,
  NOTIFY_WAIT_SECONDS,
} from '../limits.js';
import type { BodyCache } from './body-cache.js';
import { bodyMatches } from './body-search.js';
import type { ChangeWatcher } from './change-watcher.js';
import { storeCall, toStoreError } from './errors.js';
import type { FolderCache, FolderCaches, FolderSeed, StoreCall } from './folder-cache.js';
import {
  type HeaderCache,
  type HeaderFields,
  headerFieldsOf,
  parseSearchSubjects,
  subjectsOf,
} from './header-cache.js';
import { type CachedLogon, LogonCache, type SharedStoreState } from './logon-cache.js';
import {
  type AppendInput,
  type CopyResult,
  type Feature,
  type FlagChange,
  type FlagResult,
  type FolderHandle,
  type FolderInfo,
  type MailStore,
  type MailStoreProvider,
  type MessageParts,
  type QuotaInfo,
  StoreError,
  type Structures,
} from './types.js';

export interface SoapStoreDeps {
  client: SoapClient;
  /** For long polls (notifyGetItems), so waiting sessions never hold the main client's sockets. */
  pollClient: SoapClient;
  caches: FolderCaches;
  bodies: BodyCache;
  headers: HeaderCache;
  /** Change notices from the bus; without it, watching sessions long-poll. */
  watcher: ChangeWatcher | undefined;
  /**
   * What the server offers (false once an older server refused it: a gateway upgraded before its
   * server then works as before). searchSubjects: the column (else subjects come from the headers);
   * searchBodies: the operation (else bodies come here to be searched).
   */
  server: { searchSubjects: boolean; searchBodies: boolean };
  log: Logger;
}

type FolderOut = Output<'getHierarchy'>['folders'][number];

/** The server's column for each FETCH answer it keeps. */
const STRUCTURE_COLUMNS: Readonly<Record<keyof Structures, string>> = {
  ENVELOPE: 'imapEnvelope',
  BODY: 'imapBody',
  BODYSTRUCTURE: 'imapBodystructure',
};

function structuresOf(m: { imapEnvelope?: Buffer; imapBody?: Buffer; imapBodystructure?: Buffer }): Structures {
  const out: Structures = {};
  if (m.imapEnvelope) out.ENVELOPE = m.imapEnvelope;
  if (m.imapBody) out.BODY = m.imapBody;
  if (m.imapBodystructure) out.BODYSTRUCTURE = m.imapBodystructure;
  return out;
}

function folderInfo(f: FolderOut): FolderInfo {
  return {
    folderId: f.folderId,
    parentId: f.parentId,
    name: f.name,
    containerClass: f.containerClass,
    specialUse: f.specialUse,
    uidValidity: f.uidValidity,
    uidNext: f.uidNext,
    highestModseq: f.highestModseq,
    messages: f.messages,
    unseen: f.unseen,
    size: f.size,
    subscribed: f.subscribed,
  };
}

export class SoapMailStoreProvider implements MailStoreProvider {
  private readonly logons: LogonCache;
  private readonly sweeper: NodeJS.Timeout;
  /** Server logons under way, by LogonCache.keyOf: logins of the same user and password wait for them. */
  private readonly starting = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: SoapStoreDeps) {
    this.logons = new LogonCache((session) => void session.logoff().catch(() => undefined));
    this.sweeper = setInterval(() => this.logons.sweep(), 10_000);
    this.sweeper.unref();
  }

  /** A cached logon of this user and password (logon-cache.ts), else a server logon. */
  async logon(username: string, password: string, feature: Feature): Promise<MailStore> {
    let logon = this.logons.acquire(username, password);
    if (logon && !(logon.features.includes(feature) && (await this.stillValid(logon)))) {
      // Enabled since? Ended by the server (user deactivated or deleted)? The server decides.
      this.logons.release(logon);
      this.logons.forget(username);
      logon = undefined;
    }
    logon ??= await this.sharedServerLogon(username, password);
    if (!logon.features.includes(feature)) {
      this.logons.release(logon);
      throw new StoreError('feature', `${feature.toUpperCase()} access is disabled for this user`);
    }
    return new SoapMailStore(this.deps, logon.session, logon.username, logon.storeId, logon.shared, () =>
      this.logons.release(logon),
    );
  }

  /**
   * A cached logon's server session still stands: one read (no session written, no password
   * hashed). A session the server ended (user deactivated or deleted) is logged on again once by
   * KgcSession, which fails for such a user: the login is then refused at once, not after the TTL.
   */
  private async stillValid(logon: CachedLogon): Promise<boolean> {
    try {
      await logon.session.call('getSessionInfo', {});
      return true;
    } catch {
      return false;
    }
  }

  /** The logon another login of this user and password is making, when there is one; else our own. */
  private async sharedServerLogon(username: string, password: string): Promise<CachedLogon> {
    const key = this.logons.keyOf(username, password);
    const running = this.starting.get(key);
    if (running) {
      await running.catch(() => undefined);
      const shared = this.logons.acquire(username, password);
      if (shared) return shared;
    }
    const mine = this.serverLogon(username, password);
    this.starting.set(key, mine);
    try {
      return await mine;
    } finally {
      if (this.starting.get(key) === mine) this.starting.delete(key);
    }
  }

  private async serverLogon(username: string, password: string): Promise<CachedLogon> {
    const { client } = this.deps;
    const first = await storeCall(() => client.call('logon', { username, password }));
    const relogon = async () => (await client.call('logon', { username, password })).sessionId;
    const session = new KgcSession(client, first.sessionId, relogon);
    try {
      // An older server's logon does not give the user.
      const user = first.user ?? (await session.call('getUser', { username })).user;
      const logon: CachedLogon = {
        session,
        username: user.username,
        storeId: first.storeId,
        features: user.features,
        shared: {},
      };
      this.logons.add(username, password, logon);
      return logon;
    } catch (e) {
      await session.logoff().catch(() => undefined);
      throw toStoreError(e);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    this.logons.clear();
    this.deps.client.close();
    this.deps.pollClient.close();
  }
}

class SoapFolderHandle implements FolderHandle {
  private released = false;
  constructor(
    readonly cache: FolderCache,
    private readonly call: StoreCall,
    private readonly onRelease: (h: SoapFolderHandle) => void,
  ) {}
  get folderId(): number {
    return this.cache.folderId;
  }
  get uidValidity(): number {
    return this.cache.uidValidity;
  }
  messages() {
    return this.cache.messages;
  }
  version(): number {
    return this.cache.version;
  }
  highestModseq(): number {
    return this.cache.highestModseq;
  }
  uidNext(): number {
    return this.cache.uidNext;
  }
  refresh(seed?: FolderSeed): Promise<void> {
    return storeCall(() => this.cache.refresh(this.call, seed));
  }
  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease(this);
  }
}

export class SoapMailStore implements MailStore {
  private closed = false;
  private readonly handles = new Set<SoapFolderHandle>();
  /** Loads in flight, so a prefetch and the request it anticipates share one round trip. */
  private readonly loading = new Map<number, Promise<Buffer>>();

  constructor(
    private readonly deps: SoapStoreDeps,
    private readonly session: KgcSession,
    readonly username: string,
    readonly storeId: number,
    /** State shared by the stores of one server session (the folder list). */
    private readonly shared: SharedStoreState,
    /** Gives the server session back (the logon cache logs it off when it is done with it). */
    private readonly onClose: () => void,
  ) {}

  private call<N extends OperationName>(name: N, input: Omit<Input<N>, 'sessionId'>): Promise<Output<N>> {
    return storeCall(() => this.session.call(name, input));
  }

  private readonly cacheCall: StoreCall = (name, input) => this.session.call(name, input);

  folders(opts: { fresh?: boolean } = {}): Promise<FolderInfo[]> {
    const now = Date.now();
    const shared = this.shared;
    if (!opts.fresh && shared.hierarchy && now - shared.hierarchy.at < HIERARCHY_TTL_MS)
      return shared.hierarchy.folders;
    const folders = this.call('getHierarchy', { storeId: this.storeId }).then((r) => r.folders.map(folderInfo));
    shared.hierarchy = { at: now, folders };
    folders.catch(() => {
      if (shared.hierarchy?.folders === folders) shared.hierarchy = undefined;
    });
    return folders;
  }

  private async ownFolder(folderId: number): Promise<FolderInfo> {
    let f = (await this.folders()).find((x) => x.folderId === folderId);
    if (!f) f = (await this.folders({ fresh: true })).find((x) => x.folderId === folderId);
    if (!f) throw new StoreError('not-found', 'no such folder');
    return f;
  }

  async folderStatus(folderId: number): Promise<FolderInfo> {
    const { folder } = await this.call('getFolderStatus', { folderId });
    return folderInfo(folder);
  }

  async openFolder(folderId: number): Promise<FolderHandle> {
    const info = await this.ownFolder(folderId);
    // A folder list read this recently holds the status a cold cache needs: no getFolderStatus.
    const hierarchy = this.shared.hierarchy;
    const seed = hierarchy && Date.now() - hierarchy.at < FOLDER_SEED_MS ? info : undefined;
    const cache = this.deps.caches.acquire(this.storeId, folderId);
    const handle = new SoapFolderHandle(cache, this.cacheCall, (h) => {
      this.handles.delete(h);
      this.deps.caches.release(h.cache);
    });
    this.handles.add(handle);
    try {
      await handle.refresh(seed);
    } catch (e) {
      handle.release();
      throw e;
    }
    return handle;
  }

  async loadMessage(messageId: number, want: { raw?: boolean; sections?: readonly string[] }): Promise<MessageParts> {
    const { message } = await this.call('loadObject', {
      messageId,
      withRaw: want.raw === true,
      sections: [...(want.sections ?? [])],
    });
    if (message.raw) this.deps.bodies.set(this.storeId, messageId, message.raw);
    return {
      ...(message.raw ? { raw: message.raw } : {}),
      sections: new Map(message.parts.map((p) => [p.section, p.data ?? null])),
      structures: structuresOf(message),
    };
  }

  async expungedSince(folderId: number, modseq: number): Promise<{ uids: number[]; complete: boolean }> {
    const uids: number[] = [];
    for (let from = modseq; ; ) {
      const r = await this.call('getChanges', {
        storeId: this.storeId,
        folderId,
        sinceModseq: from,
        limit: CHANGES_PAGE,
      });
      if (r.truncated) return { uids: [], complete: false };
      for (const c of r.changes)
        if (c.kind === 'message-expunge' && c.uid !== undefined && c.folderId === folderId) uids.push(c.uid);
      const last = r.changes[r.changes.length - 1];
      if (!r.more || !last) break;
      from = last.modseq;
    }
    return { uids: [...new Set(uids)].sort((a, b) => a - b), complete: true };
  }

  /**
   * Rows of a folder's messages with these uids, in uid order, with `columns`; searchSubjects is
   * left out for a server that does not know it (and asked for again without it).
   */
  private async rowsByUid(folderId: number, uids: readonly number[], columns: readonly string[]) {
    const sorted = [...uids].sort((a, b) => a - b);
    const ranges: Array<{ from: number; to: number }> = [];
    for (const u of sorted) {
      const last = ranges[ranges.length - 1];
      if (last && u === last.to + 1) last.to = u;
      else if (!last || u > last.to) ranges.push({ from: u, to: u });
    }
    const query = (cols: readonly string[]) =>
      this.call('tableQueryRows', {
        folderId,
        columns: ['uid', ...cols],
        restriction: { uidRanges: ranges, flagsSet: [], flagsUnset: [], headers: [] },
        sort: [{ column: 'uid', descending: false }],
      });
    const server = this.deps.server;
    if (!columns.includes('searchSubjects')) return (await query(columns)).rows;
    const rest = columns.filter((c) => c !== 'searchSubjects');
    if (!server.searchSubjects) return (await query(rest)).rows;
    try {
      return (await query(columns)).rows;
    } catch (e) {
      if (!(e instanceof StoreError && e.kind === 'invalid')) throw e;
      // An older server: no such column.
      server.searchSubjects = false;
      return (await query(rest)).rows;
    }
  }

  /** With ENVELOPE the Subject values come along (a few bytes a row), for a SUBJECT search to come. */
  async structures(
    folderId: number,
    uids: readonly number[],
    want: ReadonlyArray<keyof Structures>,
  ): Promise<Map<number, Structures>> {
    const out = new Map<number, Structures>();
    if (uids.length === 0) return out;
    const columns = want.map((k) => STRUCTURE_COLUMNS[k]);
    if (want.includes('ENVELOPE')) columns.push('searchSubjects');
    for (const row of await this.rowsByUid(folderId, uids, columns)) {
      out.set(row.uid, structuresOf(row));
      if (row.searchSubjects !== undefined)
        this.deps.headers.setSubjects(this.storeId, row.messageId, row.searchSubjects);
    }
    return out;
  }

  async subjects(
    folderId: number,
    messages: ReadonlyArray<{ uid: number; messageId: number }>,
  ): Promise<Map<number, readonly string[]>> {
    const out = new Map<number, readonly string[]>();
    const missing: Array<{ uid: number; messageId: number }> = [];
    for (const m of messages) {
      const kept = this.deps.headers.subjects(this.storeId, m.messageId);
      if (kept) out.set(m.messageId, kept);
      else missing.push(m);
    }
    if (missing.length === 0) return out;
    const stored = new Set<number>();
    const rows = this.deps.server.searchSubjects
      ? await this.rowsByUid(
          folderId,
          missing.map((m) => m.uid),
          ['searchSubjects'],
        )
      : [];
    for (const row of rows) {
      const subjects = row.searchSubjects === undefined ? undefined : parseSearchSubjects(row.searchSubjects);
      if (!subjects) continue;
      this.deps.headers.setSubjects(this.storeId, row.messageId, subjects);
      out.set(row.messageId, subjects);
      stored.add(row.messageId);
    }
    // Rows stored without them: from the header, as before.
    const rest = missing.filter((m) => !stored.has(m.messageId)).map((m) => m.messageId);
    if (rest.length > 0) for (const [id, h] of await this.headerFields(rest)) out.set(id, subjectsOf(h));
    return out;
  }

  bodyMatches(
    messages: ReadonlyArray<{ messageId: number; size: number }>,
    texts: readonly string[],
  ): Promise<Map<number, ReadonlySet<string>>> {
    return bodyMatches(
      {
        cached: (id) => this.deps.bodies.get(this.storeId, id),
        server: this.deps.server,
        searchBodies: (input) => this.call('searchBodies', input),
        rawMany: (ids) => this.rawMany(ids),
        raw: (id) => this.raw(id),
      },
      messages,
      texts,
    );
  }

  async rawMany(messageIds: readonly number[]): Promise<Map<number, Buffer>> {
    const out = new Map<number, Buffer>();
    const waiting: Array<Promise<void>> = [];
    const missing: number[] = [];
    for (const id of messageIds) {
      const cached = this.deps.bodies.get(this.storeId, id);
      const inFlight = cached ? undefined : this.loading.get(id);
      if (cached) out.set(id, cached);
      else if (inFlight)
        waiting.push(
          inFlight.then(
            (raw) => void out.set(id, raw),
            () => undefined,
          ),
        );
      else missing.push(id);
    }
    for (let i = 0; i < missing.length; i += LOAD_MESSAGES_BATCH) {
      const ids = missing.slice(i, i + LOAD_MESSAGES_BATCH);
      const batch = this.loadMessages(ids, false).then((got) => {
        for (const [id, raw] of got) this.deps.bodies.set(this.storeId, id, raw);
        return got;
      });
      // raw() of one of these while the batch is on its way waits for the batch.
      for (const id of ids) {
        const one = batch
          .then((got) => {
            const raw = got.get(id);
            if (!raw) throw new StoreError('not-found', 'message gone');
            return raw;
          })
          .finally(() => {
            if (this.loading.get(id) === one) this.loading.delete(id);
          });
        one.catch(() => undefined);
        this.loading.set(id, one);
      }
      waiting.push(
        batch.then((got) => {
          for (const [id, raw] of got) out.set(id, raw);
        }),
      );
    }
    await Promise.all(waiting);
    return out;
  }

  async headerFields(messageIds: readonly number[]): Promise<Map<number, HeaderFields>> {
    const out = new Map<number, HeaderFields>();
    const missing: number[] = [];
    for (const id of messageIds) {
      const fields = this.deps.headers.get(this.storeId, id);
      if (fields) out.set(id, fields);
      else missing.push(id);
    }
    for (const [id, block] of await this.headerBlocks(missing)) {
      const fields = headerFieldsOf(block);
      this.deps.headers.set(this.storeId, id, fields);
      out.set(id, fields);
    }
    return out;
  }

  async headerBlocks(messageIds: readonly number[]): Promise<Map<number, Buffer>> {
    const out = new Map<number, Buffer>();
    const missing: number[] = [];
    for (const id of messageIds) {
      const raw = this.deps.bodies.get(this.storeId, id);
      if (raw) out.set(id, headerBlock(raw));
      else missing.push(id);
    }
    for (const [id, block] of await this.loadHeaderBlocks(missing)) out.set(id, block);
    return out;
  }

  /**
   * loadMessages, asked again for what the server deferred (past its bytes per call; each call
   * reads at least one message, so this ends). Gone messages are left out.
   */
  private async loadMessages(ids: readonly number[], headersOnly: boolean): Promise<Map<number, Buffer>> {
    const got = new Map<number, Buffer>();
    for (let rest = [...ids]; rest.length > 0; ) {
      const r = await this.call('loadMessages', { messageIds: rest, ...(headersOnly ? { headersOnly } : {}) });
      for (const m of r.messages) got.set(m.messageId, m.raw);
      // Progress is sure only while the server answers something: a deferral with nothing read ends it.
      rest = r.messages.length > 0 ? r.deferred : [];
    }
    return got;
  }

  /** Header blocks from the server (calls in parallel). */
  private async loadHeaderBlocks(ids: readonly number[]): Promise<Map<number, Buffer>> {
    const out = new Map<number, Buffer>();
    const batches: number[][] = [];
    for (let i = 0; i < ids.length; i += LOAD_HEADERS_BATCH) batches.push(ids.slice(i, i + LOAD_HEADERS_BATCH));
    await Promise.all(
      batches.map(async (part) => {
        for (const [id, block] of await this.loadMessages(part, true)) out.set(id, block);
      }),
    );
    return out;
  }

  raw(messageId: number): Promise<Buffer> {
    const cached = this.deps.bodies.get(this.storeId, messageId);
    if (cached) return Promise.resolve(cached);
    const inFlight = this.loading.get(messageId);
    if (inFlight) return inFlight;
    const load = this.loadMessage(messageId, { raw: true })
      .then((parts) => {
        if (!parts.raw) throw new StoreError('not-found', 'the message has no MIME content');
        return parts.raw;
      })
      .finally(() => this.loading.delete(messageId));
    this.loading.set(messageId, load);
    return load;
  }

  async setFlags(folderId: number, uids: readonly SeqInterval[], change: FlagChange): Promise<FlagResult> {
    const replace = change.replace !== undefined;
    const r = await this.call('setMessageFlags', {
      folderId,
      messageIds: [],
      uids: uids.map(([a, b]) => (a === b ? String(a) : `${a}:${b}`)).join(','),
      add: [...(change.add ?? [])],
      remove: [...(change.remove ?? [])],
      replace: [...(change.replace ?? [])],
      ...(replace ? { replaceAll: true } : {}),
      ...(change.unchangedSince !== undefined ? { unchangedSince: change.unchangedSince } : {}),
    });
    const groups = r.groups.map((g) => ({
      modseq: g.modseq,
      flags: g.flags,
      uids: resolveSequenceSet(parseSequenceSet(g.uids, Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER),
    }));
    for (const h of this.handles) if (h.folderId === folderId) h.cache.applyFlags(groups);
    const failed =
      r.failedUids === undefined
        ? []
        : [...iterateSequenceSet(parseSequenceSet(r.failedUids, Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER)];
    return { modseq: r.modseq, groups, failed };
  }

  /** Messages another client expunged meanwhile are gone already: they do not stop the others'. */
  async deleteMessages(messageIds: readonly number[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.call('deleteObjects', { messageIds: [...messageIds], skipMissing: true });
  }

  async copyMessages(messageIds: readonly number[], destFolderId: number, move: boolean): Promise<CopyResult[]> {
    await this.ownFolder(destFolderId);
    const r = await this.call('copyObjects', { messageIds: [...messageIds], destFolderId, move });
    return r.results.map((c) => ({ sourceUid: c.sourceUid, uid: c.uid, messageId: c.messageId }));
  }

  async append(folderId: number, input: AppendInput): Promise<{ uid: number; messageId: number }> {
    await this.ownFolder(folderId);
    const r = await this.call('createMessage', {
      folderId,
      raw: input.raw,
      flags: [...input.flags],
      ...(input.internalDate ? { internalDate: input.internalDate } : {}),
      props: [],
    });
    return { uid: r.uid, messageId: r.messageId };
  }

  async createFolder(parentId: number | undefined, name: string): Promise<FolderInfo> {
    const r = await this.call('createFolder', {
      storeId: this.storeId,
      ...(parentId !== undefined ? { parentId } : {}),
      name,
      containerClass: 'IPF.Note',
    });
    this.shared.hierarchy = undefined;
    return folderInfo(r.folder);
  }

  async renameFolder(folderId: number, newParentId: number | undefined, newName: string): Promise<FolderInfo> {
    const r = await this.call('copyFolder', { folderId, newParentId: newParentId ?? 0, newName });
    this.shared.hierarchy = undefined;
    return folderInfo(r.folder);
  }

  async deleteFolder(folderId: number): Promise<void> {
    await this.call('deleteFolder', { folderId });
    this.shared.hierarchy = undefined;
    this.deps.caches.drop(this.storeId, folderId);
  }

  async setSubscribed(folderId: number, subscribed: boolean): Promise<void> {
    await this.call('setFolderSubscribed', { folderId, subscribed });
    this.shared.hierarchy = undefined;
  }

  async quota(): Promise<QuotaInfo> {
    const { status } = await this.call('GetQuotaStatus', {});
    return { size: status.size, hard: status.hard };
  }

  watch(listener: (modseq: number) => void): () => void {
    if (this.deps.watcher) return this.deps.watcher.watch(this.storeId, listener);
    let active = true;
    void this.poll(listener, () => active);
    return () => {
      active = false;
    };
  }

  /** Long poll without a bus: one notifyGetItems at a time on a client of its own. */
  private async poll(listener: (modseq: number) => void, active: () => boolean): Promise<void> {
    let since: number | undefined;
    while (active() && !this.closed) {
      try {
        if (since === undefined) {
          since = (await this.session.call('getStore', {})).store.highestModseq;
          continue;
        }
        const poll = new KgcSession(this.deps.pollClient, this.session.id);
        const r = await poll.call('notifyGetItems', {
          storeId: this.storeId,
          sinceModseq: since,
          timeoutSeconds: NOTIFY_WAIT_SECONDS,
        });
        if (r.highestModseq > since) {
          since = r.highestModseq;
          if (active()) listener(since);
        }
      } catch (err) {
        if (!active() || this.closed) return;
        this.deps.log.debug({ err: toStoreError(err).message }, 'change poll failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const h of [...this.handles]) h.release();
    this.onClose();
  }
}
