/**
 * The gateway's view of a user's mail: what the IMAP and POP3 sessions need, nothing about SOAP.
 * Sessions get a `MailStore` from a `MailStoreProvider` at login; the SOAP-backed implementation
 * is soap-store.ts, and tests may inject their own.
 */

import type { SeqInterval } from '@kgc/imap-proto';
import type { FlagGroup } from './flag-groups.js';
import type { HeaderFields } from './header-cache.js';

export type { FlagGroup } from './flag-groups.js';

export type { HeaderField, HeaderFields } from './header-cache.js';

export type Feature = 'imap' | 'pop3';

/** A folder as the gateway presents it. `parentId` undefined: top level (below the IPM root). */
export interface FolderInfo {
  folderId: number;
  parentId: number | undefined;
  name: string;
  containerClass: string;
  /** inbox | sent | trash | drafts | junk | outbox | ... */
  specialUse: string | undefined;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  messages: number;
  unseen: number;
  size: number;
  subscribed: boolean;
}

/** Per-message metadata of a folder, as the metadata cache keeps it (no bodies). */
export interface MessageMeta {
  uid: number;
  messageId: number;
  modseq: number;
  /** IMAP flag names (`\Seen`, keywords). */
  flags: readonly string[];
  size: number;
  internalDate: Date;
}

/** What changed in a folder since the caller last looked (sorted by uid). */
export interface FolderDelta {
  /** The cache's modseq after this refresh. */
  modseq: number;
  expunged: number[];
  /** New or changed messages (flags or modseq), ascending uid. */
  upserted: MessageMeta[];
  /** The cache was rebuilt (journal truncated or uidvalidity changed): the caller must resync. */
  reset: boolean;
}

export interface AppendInput {
  raw: Buffer;
  flags: readonly string[];
  internalDate?: Date;
}

export interface FlagChange {
  add?: readonly string[];
  remove?: readonly string[];
  /** Replace every flag with these. */
  replace?: readonly string[];
  /** CONDSTORE UNCHANGEDSINCE. */
  unchangedSince?: number;
}

export interface FlagResult {
  modseq: number;
  /** The messages the call changed, by their new flags. */
  groups: FlagGroup[];
  /** Uids refused by unchangedSince, ascending. */
  failed: number[];
}

export interface CopyResult {
  sourceUid: number;
  uid: number;
  messageId: number;
}

export interface MessageParts {
  /** Whole message when asked for. */
  raw?: Buffer;
  /** IMAP sections by spec ("1.2", "HEADER", ...); null: the part does not exist. */
  sections: Map<string, Buffer | null>;
  /** ENVELOPE, BODY and BODYSTRUCTURE as FETCH sends them, when the server has them. */
  structures: Structures;
}

/** A message's FETCH answers kept by the server (absent: computed from the message). */
export interface Structures {
  ENVELOPE?: Buffer;
  BODY?: Buffer;
  BODYSTRUCTURE?: Buffer;
}

export interface QuotaInfo {
  /** Bytes in use and the hard limit (0 = none). */
  size: number;
  hard: number;
}

/** One user's store, logged on. Every call may reject with a StoreError. */
export interface MailStore {
  readonly username: string;
  readonly storeId: number;
  folders(opts?: { fresh?: boolean }): Promise<FolderInfo[]>;
  folderStatus(folderId: number): Promise<FolderInfo>;
  /** The folder's metadata cache, refreshed to now; `release` it when the session leaves the folder. */
  openFolder(folderId: number): Promise<FolderHandle>;
  loadMessage(messageId: number, want: { raw?: boolean; sections?: readonly string[] }): Promise<MessageParts>;
  /**
   * UIDs expunged from a folder after `modseq` (QRESYNC). `complete` false: the journal no longer
   * reaches back that far, the caller must assume any UID it cannot see is gone.
   */
  expungedSince(folderId: number, modseq: number): Promise<{ uids: number[]; complete: boolean }>;
  /** ENVELOPE / BODY / BODYSTRUCTURE of many messages of a folder in one call, by uid. */
  structures(
    folderId: number,
    uids: readonly number[],
    want: ReadonlyArray<keyof Structures>,
  ): Promise<Map<number, Structures>>;
  /**
   * The decoded Subject values of many messages of a folder (SEARCH SUBJECT), by message id:
   * cached per process, else in one table query (the server keeps them with the rows), else from
   * the header. Gone messages are left out.
   */
  subjects(
    folderId: number,
    messages: ReadonlyArray<{ uid: number; messageId: number }>,
  ): Promise<Map<number, readonly string[]>>;
  /**
   * Which of `texts` each message's body contains (SEARCH BODY, TEXT; @kgc/mapi bodyTextMatches):
   * bodies cached here are searched here, the others where they are stored (searchBodies), in few
   * calls. Gone messages are left out.
   */
  bodyMatches(
    messages: ReadonlyArray<{ messageId: number; size: number }>,
    texts: readonly string[],
  ): Promise<Map<number, ReadonlySet<string>>>;
  /** Raw messages of many ids in one server call (cached ones from the cache); gone ones are left out. */
  rawMany(messageIds: readonly number[]): Promise<Map<number, Buffer>>;
  /**
   * Decoded top-level header fields of many messages (SEARCH header keys), cached per process;
   * missing ones load as header blocks only, in few calls. Gone messages are left out.
   */
  headerFields(messageIds: readonly number[]): Promise<Map<number, HeaderFields>>;
  /**
   * Header blocks (the bytes through the first empty line) of many messages, for FETCH of header
   * sections: from cached messages, else loaded as header blocks only, in few calls. Gone
   * messages are left out.
   */
  headerBlocks(messageIds: readonly number[]): Promise<Map<number, Buffer>>;
  /** The raw message (cached per process; bytes never change for a message id). */
  raw(messageId: number): Promise<Buffer>;
  /** Flags of the folder's messages with uids in `uids` (sorted intervals; uids that are gone are skipped). */
  setFlags(folderId: number, uids: readonly SeqInterval[], change: FlagChange): Promise<FlagResult>;
  deleteMessages(messageIds: readonly number[]): Promise<void>;
  copyMessages(messageIds: readonly number[], destFolderId: number, move: boolean): Promise<CopyResult[]>;
  append(folderId: number, input: AppendInput): Promise<{ uid: number; messageId: number }>;
  createFolder(parentId: number | undefined, name: string): Promise<FolderInfo>;
  renameFolder(folderId: number, newParentId: number | undefined, newName: string): Promise<FolderInfo>;
  deleteFolder(folderId: number): Promise<void>;
  setSubscribed(folderId: number, subscribed: boolean): Promise<void>;
  quota(): Promise<QuotaInfo>;
  /** Called (debounced by the caller) when the store changed after `modseq`; returns an unsubscribe. */
  watch(listener: (modseq: number) => void): () => void;
  close(): Promise<void>;
}

/** A session's hold on a folder's metadata cache. */
export interface FolderHandle {
  readonly folderId: number;
  readonly uidValidity: number;
  /** Snapshot of the messages, ascending uid (do not mutate). */
  messages(): readonly MessageMeta[];
  /** Counts the times the snapshot was replaced (a refresh, a flag change applied). */
  version(): number;
  highestModseq(): number;
  uidNext(): number;
  /** Bring the cache up to date (one getChanges, and a table query only when something changed). */
  refresh(): Promise<void>;
  release(): void;
}

export interface MailStoreProvider {
  /** Password logon; refuses users without `feature`. */
  logon(username: string, password: string, feature: Feature): Promise<MailStore>;
  close(): void;
}

export type StoreErrorKind =
  /** Wrong name or password. */
  | 'auth'
  /** The user exists but may not use this protocol (KGC disabled_features). */
  | 'feature'
  | 'not-found'
  | 'exists'
  | 'no-access'
  | 'over-quota'
  | 'too-big'
  | 'invalid'
  | 'modified'
  /** The server did not answer or failed: try again later. */
  | 'unavailable';

/** The one error the store layer throws; each protocol maps its kind to a reply. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
  ) {
    super(message);
  }
}
