import knexFactory from 'knex';
import { hashPassword } from '../users/password.js';
import type { DirectoryGroup, DirectoryUser } from '../users/user-plugin.js';
import { type BlobBackend, databaseBlobBackend, filesBlobBackend } from './blob-backend.js';
import { type BlobInfo, getBlobInfo, prewriteBlobs, readBlob } from './blobs.js';
import type { StorageConfig } from './config.js';
import { connect, type Engine } from './connect.js';
import {
  type ContentsQuery,
  type ContentsRow,
  countContents,
  queryContents,
  type Restriction,
  type UidRange,
} from './contents-query.js';
import { type Env, poolRunner, type Runner, runTransaction, type TransactionOptions, txRunner } from './context.js';
import { invalid, toKcError } from './db-errors.js';
import { loadFolder, loadFolders } from './folder-rows.js';
import { FolderStoreCache } from './folder-store-cache.js';
import type { FolderRecord, FolderRole, FolderStatus, FolderTreeEntry } from './folder-types.js';
import {
  createFolders,
  deleteFolder,
  emptyFolder,
  type FolderRemoval,
  type FolderUpdate,
  findFolderByRole,
  folderStatus,
  listFolders,
  type NewFolder,
  updateFolder,
} from './folders.js';
import {
  addGroupMembers,
  createGroup,
  deleteGroup,
  findGroupByName,
  getGroup,
  listGroupMembers,
  listGroups,
  listGroupsOfUser,
  removeGroupMembers,
  updateGroup,
} from './groups.js';
import { type ChangesResult, type GetChangesOptions, getChanges, pruneJournal, type StoreChange } from './journal.js';
import { MessageFlag } from './message-flags.js';
import type {
  CopyOptions,
  CopyResult,
  CreateMessagesOptions,
  CreateMessagesResult,
  DeleteResult,
  FlagChange,
  LoadedMessage,
  LoadOptions,
  MessageColumn,
  NewMessage,
  SetFlagsOptions,
  SetFlagsResult,
} from './message-types.js';
import { copyMessages } from './messages-copy.js';
import { createMessages } from './messages-create.js';
import { deleteMessages } from './messages-delete.js';
import {
  getMessage,
  getMessages,
  getRawMessages,
  type MessagePlace,
  messagePlaces,
  type RawGroupOptions,
  type RawMessage,
  type RawReadOptions,
  rawMessageGroups,
} from './messages-load.js';
import { setFlags } from './messages-set-flags.js';
import { type SetFolderFlagsResult, setFolderFlags, type UidInterval } from './messages-set-folder-flags.js';
import { migrate } from './migrations.js';
import { getProperties, type ObjectRef, type PropertyChange, type PropertyMap, setProperties } from './properties.js';
import {
  abortSubmit,
  type ClaimOptions,
  claim,
  defer,
  type EnqueueInput,
  enqueue,
  finish,
  finishMany,
  getEntry,
  listQueue,
  type QueueEntry,
  queueCounts,
  releaseLease,
  renewLease,
} from './queue.js';
import type { QuotaStatus, UserQuota } from './quota.js';
import {
  createSession,
  deleteSession,
  deleteUserSessions,
  type NewSession,
  purgeExpiredSessions,
  type SessionRecord,
  touchSession,
} from './sessions.js';
import { checkAttachmentStorage } from './settings.js';
import {
  createStore,
  deleteStore,
  findStoreByGuid,
  findStoreByUser,
  getQuotaStatuses,
  getStore,
  type StoreRecord,
} from './stores.js';
import {
  type UpsertDirectoryGroupResult,
  type UpsertDirectoryUserResult,
  upsertDirectoryGroup,
  upsertDirectoryUser,
} from './user-directory.js';
import { loadUser } from './user-rows.js';
import type {
  FeatureSettings,
  GroupRecord,
  GroupUpdate,
  NewGroup,
  NewUser,
  ResolveResult,
  UserDetails,
  UserRecord,
  UserRef,
  UserUpdate,
} from './user-types.js';
import {
  addAliases,
  addSendAs,
  canSendAs,
  createUser,
  deleteUser,
  findUserByLogin,
  getCredentials,
  getUserDetails,
  getUsers,
  type ListUsersOptions,
  listSendAs,
  listUsers,
  removeAliases,
  removeSendAs,
  resolveUsers,
  setFeatures,
  setUserQuota,
  updateUser,
  upgradePasswordHash,
} from './users.js';

export class UserStorage {
  constructor(private readonly run: Runner) {}
  /** Creates a db user; the password is hashed (Argon2id) before the transaction. */
  async createUser(input: NewUser): Promise<UserRecord> {
    const hash = input.password ? await hashPassword(input.password) : null;
    return this.run.write((ctx) => createUser(ctx, input, hash));
  }
  async updateUser(id: number, patch: UserUpdate): Promise<UserRecord> {
    const hash =
      patch.password === undefined ? undefined : patch.password === null ? null : await hashPassword(patch.password);
    return this.run.write((ctx) => updateUser(ctx, id, patch, hash));
  }
  /** Removes the user, their store (blobs freed at refcount 0), memberships, aliases, sessions. */
  deleteUser(id: number): Promise<void> {
    return this.run.write((ctx) => deleteUser(ctx, id));
  }
  getUser(id: number): Promise<UserRecord> {
    return this.run.read((ctx) => loadUser(ctx, id));
  }
  /** Aligned with `ids`; any missing id is KCERR_NOT_FOUND. */
  getUsers(ids: readonly number[]): Promise<UserRecord[]> {
    return this.run.read((ctx) => getUsers(ctx, ids));
  }
  /** Users plus aliases and send-as lists. */
  getUserDetails(ids: readonly number[]): Promise<UserDetails[]> {
    return this.run.read((ctx) => getUserDetails(ctx, ids));
  }
  findUserByLogin(loginName: string): Promise<UserRecord | null> {
    return this.run.read((ctx) => findUserByLogin(ctx, loginName));
  }
  listUsers(opts: ListUsersOptions = {}): Promise<UserRecord[]> {
    return this.run.read((ctx) => listUsers(ctx, opts));
  }
  /** Login names or addresses → users; ambiguity is reported, not guessed. */
  resolveUsers(queries: readonly string[]): Promise<ResolveResult[]> {
    return this.run.read((ctx) => resolveUsers(ctx, queries));
  }
  /** For the db user plugin's logon check only. */
  getCredentials(loginName: string): Promise<{ user: UserRecord; passwordHash: string | null } | null> {
    return this.run.read((ctx) => getCredentials(ctx, loginName));
  }
  /** For the db user plugin: a stronger hash of the same password, if the stored one is unchanged. */
  upgradePasswordHash(userId: number, oldHash: string, newHash: string): Promise<boolean> {
    return this.run.write((ctx) => upgradePasswordHash(ctx, userId, oldHash, newHash));
  }
  /** KCERR_COLLISION when an address belongs to another user. */
  async addAliases(userId: number, addresses: readonly string[]): Promise<void> {
    await this.run.write(async (ctx) => {
      await loadUser(ctx, userId);
      await addAliases(ctx, userId, addresses);
    });
  }
  removeAliases(userId: number, addresses: readonly string[]): Promise<void> {
    return this.run.write((ctx) => removeAliases(ctx, userId, addresses));
  }
  /** `senderId` may send as `userId` (KGC addSendAsUser). */
  addSendAs(userId: number, senderId: number): Promise<void> {
    return this.run.write((ctx) => addSendAs(ctx, userId, senderId));
  }
  removeSendAs(userId: number, senderId: number): Promise<void> {
    return this.run.write((ctx) => removeSendAs(ctx, userId, senderId));
  }
  /** Users who may send as `userId`. */
  listSendAs(userId: number): Promise<UserRef[]> {
    return this.run.read((ctx) => listSendAs(ctx, userId));
  }
  canSendAs(senderId: number, asUserId: number): Promise<boolean> {
    return this.run.read((ctx) => canSendAs(ctx, senderId, asUserId));
  }
  async getFeatures(userId: number): Promise<FeatureSettings> {
    const u = await this.getUser(userId);
    return { enabled: u.enabledFeatures, disabled: u.disabledFeatures };
  }
  setFeatures(userId: number, features: FeatureSettings): Promise<void> {
    return this.run.write((ctx) => setFeatures(ctx, userId, features));
  }
  /** The user's own quota record (KGC GetQuota); `override: false` means the server defaults apply. */
  async getUserQuota(userId: number): Promise<UserQuota> {
    return (await this.getUser(userId)).quota;
  }
  setUserQuota(userId: number, quota: UserQuota): Promise<void> {
    return this.run.write((ctx) => setUserQuota(ctx, userId, quota));
  }
  /** Sync of an ldap user on logon (creates the store for a new user unless `createStore: false`). */
  upsertDirectoryUser(user: DirectoryUser, opts: { createStore?: boolean } = {}): Promise<UpsertDirectoryUserResult> {
    return this.run.write((ctx) => upsertDirectoryUser(ctx, user, opts));
  }
}

export class GroupStorage {
  constructor(private readonly run: Runner) {}
  createGroup(input: NewGroup): Promise<GroupRecord> {
    return this.run.write((ctx) => createGroup(ctx, input));
  }
  updateGroup(id: number, patch: GroupUpdate): Promise<GroupRecord> {
    return this.run.write((ctx) => updateGroup(ctx, id, patch));
  }
  deleteGroup(id: number): Promise<void> {
    return this.run.write((ctx) => deleteGroup(ctx, id));
  }
  getGroup(id: number): Promise<GroupRecord> {
    return this.run.read((ctx) => getGroup(ctx, id));
  }
  findGroupByName(name: string): Promise<GroupRecord | null> {
    return this.run.read((ctx) => findGroupByName(ctx, name));
  }
  listGroups(): Promise<GroupRecord[]> {
    return this.run.read((ctx) => listGroups(ctx));
  }
  addGroupMembers(groupId: number, userIds: readonly number[]): Promise<void> {
    return this.run.write((ctx) => addGroupMembers(ctx, groupId, userIds));
  }
  removeGroupMembers(groupId: number, userIds: readonly number[]): Promise<void> {
    return this.run.write((ctx) => removeGroupMembers(ctx, groupId, userIds));
  }
  listGroupMembers(groupId: number): Promise<UserRecord[]> {
    return this.run.read((ctx) => listGroupMembers(ctx, groupId));
  }
  listGroupsOfUser(userId: number): Promise<GroupRecord[]> {
    return this.run.read((ctx) => listGroupsOfUser(ctx, userId));
  }
  upsertDirectoryGroup(group: DirectoryGroup): Promise<UpsertDirectoryGroupResult> {
    return this.run.write((ctx) => upsertDirectoryGroup(ctx, group));
  }
}

export class StoreStorage {
  constructor(private readonly run: Runner) {}
  /** A user's private store with KGC's default folders; `null` creates a public store. */
  createStore(userId: number | null): Promise<StoreRecord> {
    return this.run.write((ctx) => createStore(ctx, userId));
  }
  getStore(storeId: number): Promise<StoreRecord> {
    return this.run.read((ctx) => getStore(ctx, storeId));
  }
  findStoreByUser(userId: number): Promise<StoreRecord | null> {
    return this.run.read((ctx) => findStoreByUser(ctx, userId));
  }
  findStoreByGuid(guid: string): Promise<StoreRecord | null> {
    return this.run.read((ctx) => findStoreByGuid(ctx, guid));
  }
  deleteStore(storeId: number): Promise<void> {
    return this.run.write((ctx) => deleteStore(ctx, storeId));
  }
  async getQuotaStatus(storeId: number): Promise<QuotaStatus> {
    const [s] = await this.getQuotaStatuses([storeId]);
    if (!s) throw invalid('unreachable');
    return s;
  }
  getQuotaStatuses(storeIds: readonly number[]): Promise<QuotaStatus[]> {
    return this.run.read((ctx) => getQuotaStatuses(ctx, storeIds));
  }
  /** Every store's status in one query (kgc-monitor). */
  listQuotaStatuses(): Promise<QuotaStatus[]> {
    return this.run.read((ctx) => getQuotaStatuses(ctx, 'all'));
  }
}

export class FolderStorage {
  constructor(private readonly run: Runner) {}
  listFolders(storeId: number): Promise<FolderTreeEntry[]> {
    return this.run.read((ctx) => listFolders(ctx, storeId));
  }
  getFolder(folderId: number): Promise<FolderRecord> {
    return this.run.read((ctx) => loadFolder(ctx, folderId));
  }
  /** Missing ids are absent from the result. */
  async getFolders(folderIds: readonly number[]): Promise<FolderRecord[]> {
    const map = await this.run.read((ctx) => loadFolders(ctx, folderIds));
    return folderIds.flatMap((id) => map.get(id) ?? []);
  }
  findFolderByRole(storeId: number, role: FolderRole): Promise<FolderRecord | null> {
    return this.run.read((ctx) => findFolderByRole(ctx, storeId, role));
  }
  async createFolder(input: NewFolder): Promise<{ folder: FolderRecord; changes: StoreChange[] }> {
    const { folders, changes } = await this.createFolders([input]);
    const folder = folders[0];
    if (!folder) throw invalid('unreachable');
    return { folder, changes };
  }
  createFolders(input: readonly NewFolder[]): Promise<{ folders: FolderRecord[]; changes: StoreChange[] }> {
    return this.run.write((ctx) => createFolders(ctx, input));
  }
  /** Rename / move / subscribe; KCERR_COLLISION on a duplicate name, KCERR_INVALID_PARAMETER on a cycle. */
  updateFolder(folderId: number, patch: FolderUpdate): Promise<{ folder: FolderRecord; changes: StoreChange[] }> {
    return this.run.write((ctx) => updateFolder(ctx, folderId, patch));
  }
  deleteFolder(folderId: number): Promise<FolderRemoval> {
    return this.run.write((ctx) => deleteFolder(ctx, folderId));
  }
  emptyFolder(folderId: number, opts: { subfolders?: boolean } = {}): Promise<FolderRemoval> {
    return this.run.write((ctx) => emptyFolder(ctx, folderId, opts));
  }
  getFolderStatus(folderIds: readonly number[]): Promise<FolderStatus[]> {
    return this.run.read((ctx) => folderStatus(ctx, folderIds));
  }
}

export class MessageStorage {
  constructor(private readonly run: Runner) {}
  /** Many messages, possibly many stores, one transaction; results aligned with the input. */
  createMessages(input: readonly NewMessage[], opts: CreateMessagesOptions = {}): Promise<CreateMessagesResult> {
    return this.run.writeStatements((ctx) => createMessages(ctx, input, opts));
  }
  getMessage(id: number, opts: LoadOptions = {}): Promise<LoadedMessage> {
    return this.run.read((ctx) => getMessage(ctx, id, opts));
  }
  /** In `ids` order; missing ids are skipped. */
  getMessages(ids: readonly number[], opts: LoadOptions = {}): Promise<LoadedMessage[]> {
    return this.run.read((ctx) => getMessages(ctx, ids, opts));
  }
  /** Original bytes and store of messages, nothing else (loadMessages). */
  getRawMessages(
    ids: readonly number[],
    opts: RawReadOptions = {},
  ): Promise<{ messages: RawMessage[]; deferred: number[] }> {
    return this.run.read((ctx) => getRawMessages(ctx, ids, opts));
  }
  /**
   * Original bytes of many messages in groups bounded by count and bytes, the next group reading
   * while the caller works on this one (searchBodies): at most two groups in memory.
   */
  rawMessageGroups(ids: readonly number[], opts: RawGroupOptions): AsyncGenerator<RawMessage[]> {
    return rawMessageGroups(this.run, ids, opts);
  }
  /** Store and folder of each message (missing ones left out): access checks of bulk operations. */
  messagePlaces(ids: readonly number[]): Promise<MessagePlace[]> {
    return this.run.read((ctx) => messagePlaces(ctx, ids));
  }
  /** A contents table page in one query. */
  queryContents<C extends MessageColumn = never>(q: ContentsQuery<C>): Promise<Array<ContentsRow<C>>> {
    return this.run.read((ctx) => queryContents(ctx, q));
  }
  countContents(q: Pick<ContentsQuery, 'folderId' | 'where'>): Promise<number> {
    return this.run.read((ctx) => countContents(ctx, q));
  }
  /**
   * Streams a whole folder in uid order, `pageSize` rows per query (keyset on uid; no OFFSET and no
   * connection held between pages).
   */
  async *iterateContents<C extends MessageColumn = never>(
    q: Omit<ContentsQuery<C>, 'sort' | 'offset' | 'limit'>,
    pageSize = 5000,
  ): AsyncGenerator<Array<ContentsRow<C>>> {
    let after = 0;
    for (;;) {
      const range: Restriction = { type: 'uid', ranges: [{ from: after + 1 }] };
      const where: Restriction = q.where ? { type: 'and', items: [q.where, range] } : range;
      const page = await this.queryContents<C>({ ...q, where, sort: [{ field: 'uid' }], limit: pageSize });
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      after = page[page.length - 1]?.uid ?? after;
    }
  }
  setFlags(ids: readonly number[], change: FlagChange, opts: SetFlagsOptions = {}): Promise<SetFlagsResult> {
    return this.run.write((ctx) => setFlags(ctx, ids, change, opts));
  }
  /** Flags of the messages of a folder with uids in `uids` (IMAP STORE): two round trips. */
  setFolderFlags(
    folderId: number,
    uids: readonly UidInterval[],
    change: FlagChange,
    opts: SetFlagsOptions = {},
  ): Promise<SetFolderFlagsResult> {
    return this.run.writeStatements((ctx) => setFolderFlags(ctx, folderId, uids, change, opts));
  }
  copyMessages(ids: readonly number[], targetFolderId: number, opts: CopyOptions = {}): Promise<CopyResult> {
    return this.run.write((ctx) => copyMessages(ctx, ids, targetFolderId, false, opts));
  }
  moveMessages(ids: readonly number[], targetFolderId: number, opts: CopyOptions = {}): Promise<CopyResult> {
    return this.run.write((ctx) => copyMessages(ctx, ids, targetFolderId, true, opts));
  }
  deleteMessages(ids: readonly number[]): Promise<DeleteResult> {
    return this.run.write((ctx) => deleteMessages(ctx, ids));
  }
  /** IMAP EXPUNGE / UID EXPUNGE: deletes the \Deleted messages of a folder (optionally within uid ranges). */
  expungeDeleted(folderId: number, uids?: readonly UidRange[]): Promise<DeleteResult> {
    return this.run.write(async (ctx) => {
      const flagged: Restriction = { type: 'flags', set: MessageFlag.Deleted };
      const where: Restriction = uids ? { type: 'and', items: [flagged, { type: 'uid', ranges: [...uids] }] } : flagged;
      const rows = await queryContents(ctx, { folderId, where });
      return deleteMessages(
        ctx,
        rows.map((r) => r.id),
      );
    });
  }
}

export class PropertyStorage {
  constructor(private readonly run: Runner) {}
  /** Aligned with `objects`; `names` restricts to those properties. */
  getProperties(objects: readonly ObjectRef[], names?: readonly string[]): Promise<PropertyMap[]> {
    return this.run.read((ctx) => getProperties(ctx, objects, names));
  }
  setProperties(changes: readonly PropertyChange[]): Promise<{ changes: StoreChange[] }> {
    return this.run.write((ctx) => setProperties(ctx, changes));
  }
}

export class BlobStorage {
  constructor(private readonly run: Runner) {}
  /** The bytes of a blob (KCERR_NOT_FOUND when unknown). */
  readBlob(hash: string): Promise<Buffer> {
    return this.run.read((ctx) => readBlob(ctx, hash));
  }
  getBlobInfo(hashes: readonly string[]): Promise<BlobInfo[]> {
    return this.run.read((ctx) => getBlobInfo(ctx, hashes));
  }
  /** Store bytes ahead of a createMessages that will reference them (files backend; else nothing). */
  prewrite(data: readonly Buffer[]): Promise<void> {
    return this.run.read((ctx) => prewriteBlobs(ctx, data));
  }
}

export class JournalStorage {
  constructor(private readonly run: Runner) {}
  getChanges(storeId: number, sinceModseq: number, opts: GetChangesOptions = {}): Promise<ChangesResult> {
    return this.run.read((ctx) => getChanges(ctx, storeId, sinceModseq, opts));
  }
  /** Drops entries created before `before` (epoch ms); returns how many. */
  pruneJournal(before: number): Promise<number> {
    return this.run.write((ctx) => pruneJournal(ctx, before));
  }
}

export class QueueStorage {
  constructor(private readonly run: Runner) {}
  enqueue(input: EnqueueInput): Promise<QueueEntry> {
    return this.run.write((ctx) => enqueue(ctx, input));
  }
  claim(opts: ClaimOptions): Promise<QueueEntry[]> {
    return this.run.write((ctx) => claim(ctx, opts));
  }
  renewLease(ids: readonly number[], owner: string, leaseMs: number): Promise<number[]> {
    return this.run.write((ctx) => renewLease(ctx, ids, owner, leaseMs));
  }
  releaseLease(ids: readonly number[], owner: string): Promise<number> {
    return this.run.write((ctx) => releaseLease(ctx, ids, owner));
  }
  getEntry(id: number): Promise<QueueEntry | null> {
    return this.run.read((ctx) => getEntry(ctx, id));
  }
  finishMany(ids: readonly number[], owner: string): Promise<QueueEntry[]> {
    return this.run.write((ctx) => finishMany(ctx, ids, owner));
  }
  finish(id: number, owner?: string): Promise<boolean> {
    return this.run.write((ctx) => finish(ctx, id, owner));
  }
  abortSubmit(messageId: number): Promise<boolean> {
    return this.run.write((ctx) => abortSubmit(ctx, messageId));
  }
  defer(id: number, owner: string, opts: { delayMs?: number; error?: string } = {}): Promise<QueueEntry | null> {
    return this.run.write((ctx) => defer(ctx, id, owner, opts));
  }
  counts(): Promise<{ entries: number; due: number; leased: number }> {
    return this.run.read((ctx) => queueCounts(ctx));
  }
  listQueue(filter: { storeId?: number; userId?: number } = {}): Promise<QueueEntry[]> {
    return this.run.read((ctx) => listQueue(ctx, filter));
  }
}

export class SessionStorage {
  constructor(private readonly run: Runner) {}
  createSession(input: NewSession): Promise<{ id: string; session: SessionRecord }> {
    return this.run.write((ctx) => createSession(ctx, input));
  }
  /** Get-and-touch (sliding expiry); null when unknown or expired. */
  touchSession(id: string): Promise<SessionRecord | null> {
    return this.run.read((ctx) => touchSession(ctx, id));
  }
  deleteSession(id: string): Promise<boolean> {
    return this.run.write((ctx) => deleteSession(ctx, id));
  }
  deleteUserSessions(userId: number): Promise<number> {
    return this.run.write((ctx) => deleteUserSessions(ctx, userId));
  }
  purgeExpiredSessions(): Promise<number> {
    return this.run.write((ctx) => purgeExpiredSessions(ctx));
  }
}

/** The operations, bound either to the pool (each write its own transaction) or to one transaction. */
export class StorageTx {
  readonly users: UserStorage;
  readonly groups: GroupStorage;
  readonly stores: StoreStorage;
  readonly folders: FolderStorage;
  readonly messages: MessageStorage;
  readonly properties: PropertyStorage;
  readonly blobs: BlobStorage;
  readonly journal: JournalStorage;
  readonly queue: QueueStorage;
  readonly sessions: SessionStorage;
  constructor(run: Runner) {
    this.users = new UserStorage(run);
    this.groups = new GroupStorage(run);
    this.stores = new StoreStorage(run);
    this.folders = new FolderStorage(run);
    this.messages = new MessageStorage(run);
    this.properties = new PropertyStorage(run);
    this.blobs = new BlobStorage(run);
    this.journal = new JournalStorage(run);
    this.queue = new QueueStorage(run);
    this.sessions = new SessionStorage(run);
  }
}

export class Storage extends StorageTx {
  readonly engine: Engine;
  constructor(private readonly env: Env) {
    super(poolRunner(env));
    this.engine = env.engine;
  }
  /**
   * Runs `fn` in one transaction (group commit: e.g. many deliveries' createMessages). Resolves after
   * COMMIT. Inside, use only `tx`. On a deadlock the whole `fn` is re-run (opts.retries), so keep it
   * free of side effects other than storage calls.
   */
  withTransaction<T>(fn: (tx: StorageTx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    return runTransaction(this.env, (ctx) => fn(new StorageTx(txRunner(ctx))), opts);
  }
  /**
   * The store of a folder if this process has seen it (a hint: a folder never changes store, but
   * the cache may not know it yet). The write batcher uses it to run transactions on different
   * stores side by side.
   */
  storeOfFolder(folderId: number): number | undefined {
    return this.env.folderStores.get(folderId);
  }
  async close(): Promise<void> {
    await this.env.knex.destroy();
    await this.env.blobs.close?.();
  }
}

/** Opens the engine, runs migrations, checks the recorded attachment_storage. */
export async function openStorage(cfg: StorageConfig): Promise<Storage> {
  let blobs: BlobBackend;
  if (cfg.attachmentStorage === 'files') {
    if (!cfg.attachmentPath) throw invalid('attachment_storage = files needs attachment_path');
    blobs = filesBlobBackend(cfg.attachmentPath, cfg.attachmentInlineMax ?? 0);
  } else blobs = databaseBlobBackend();
  const conn = await connect(cfg);
  const onStatement = cfg.onStatement;
  if (onStatement) conn.knex.on('query', (q: { sql?: unknown }) => onStatement(String(q.sql)));
  try {
    await migrate(conn.knex, conn.engine);
    await checkAttachmentStorage(conn.knex, cfg.attachmentStorage);
  } catch (err) {
    await conn.knex.destroy();
    throw toKcError(err);
  }
  return new Storage({
    knex: conn.knex,
    sql: conn.engine === 'mysql' ? knexFactory({ client: 'mysql2' }) : conn.knex,
    engine: conn.engine,
    skipLocked: conn.skipLocked,
    returning: conn.returning && !cfg.portableSql,
    consecutiveIds: cfg.portableSql ? () => false : conn.consecutiveIds,
    folderStores: new FolderStoreCache(),
    attachmentStorage: cfg.attachmentStorage,
    blobs,
    quotaDefaults: { ...cfg.quotaDefaults },
    now: cfg.clock ?? Date.now,
    onBackgroundError: cfg.onBackgroundError ?? (() => {}),
  });
}
