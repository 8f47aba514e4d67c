/** The server's storage layer: see README.md in this folder. */
export type { BlobInfo } from './blobs.js';
export type { AttachmentStorage, MysqlEngineConfig, QuotaLimits, SqliteEngineConfig, StorageConfig } from './config.js';
export type { Engine } from './connect.js';
export type {
  ContentsQuery,
  ContentsRow,
  HeaderField,
  Restriction,
  SortField,
  SortKey,
  UidRange,
} from './contents-query.js';
export type { TransactionOptions } from './context.js';
export {
  CONTAINER_CLASSES,
  type ContainerClass,
  DEFAULT_FOLDERS,
  FOLDER_ROLES,
  type FolderRecord,
  type FolderRole,
  type FolderStatus,
  type FolderTreeEntry,
} from './folder-types.js';
export type { FolderRemoval, FolderUpdate, NewFolder } from './folders.js';
export type {
  ChangesResult,
  GetChangesOptions,
  JournalEntry,
  JournalKind,
  StoreChange,
} from './journal.js';
export { ALL_FLAGS, MessageFlag } from './message-flags.js';
export { baseSubject } from './message-rows.js';
export type * from './message-types.js';
export type { FolderFlagGroup, SetFolderFlagsResult, UidInterval } from './messages-set-folder-flags.js';
export type { ObjectRef, ObjectType, PropertyChange, PropertyMap, PropertyValue } from './properties.js';
export {
  type ClaimOptions,
  defaultBackoffMs,
  type EnqueueInput,
  type QueueEntry,
  QueueFlag,
} from './queue.js';
export { effectiveLimits, type QuotaLevel, type QuotaStatus, quotaLevel, type UserQuota } from './quota.js';
export type { NewSession, SessionKind, SessionRecord } from './sessions.js';
export {
  BlobStorage,
  FolderStorage,
  GroupStorage,
  JournalStorage,
  MessageStorage,
  openStorage,
  PropertyStorage,
  QueueStorage,
  SessionStorage,
  Storage,
  StorageTx,
  StoreStorage,
  UserStorage,
} from './storage.js';
export type { StoreRecord, StoreType } from './stores.js';
export type { UpsertDirectoryGroupResult, UpsertDirectoryUserResult } from './user-directory.js';
export type * from './user-types.js';
export { featureEnabled, type ListUsersOptions } from './users.js';
