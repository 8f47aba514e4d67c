/**
 * The KGC-TS SOAP API: every operation, its input and output. The single source of truth from
 * which the WSDL (wsdl.ts), the codec and the typed client are derived. Names follow KGC's
 * (kopano.md §1.2) where the operation is the same idea. Every operation but the logons takes
 * the session id returned by `logon` / `serviceLogon`.
 */
import { many, type Obj, type Operation, one, op, opt, t } from './schema.js';
import {
  BodyMatchT,
  ChangeT,
  CopyResultT,
  CreateResultT,
  FlagGroupT,
  FlagUpdateT,
  FolderT,
  GroupT,
  MessageT,
  OutgoingT,
  PropT,
  QuotaStatusT,
  QuotaT,
  RawMessageT,
  RestrictionT,
  RowT,
  SessionInfoT,
  SortT,
  StoreT,
  TargetT,
  UserInputT,
  UserT,
} from './types.js';

const sid = { sessionId: one(t.string) };

/**
 * What one searchBodies call may carry (a contract of the API: servers refuse more with
 * KCERR_INVALID_PARAMETER, clients split their work to stay within it).
 */
export const SEARCH_BODIES_LIMITS = { messages: 1024, texts: 64, textLength: 4096 } as const;
const none = {};
const byUser = { ...sid, username: one(t.string) };

export const operations = {
  // sessions
  logon: op(
    'User logon with login name (or email) and password; with the user (as getUser gives it), so a client needs no second call.',
    { username: one(t.string), password: one(t.string) },
    { sessionId: one(t.string), userId: one(t.long), storeId: one(t.long), user: opt(UserT) },
  ),
  serviceLogon: op(
    'Service logon with the shared service secret; optionally impersonating a user.',
    { secret: one(t.string), impersonate: opt(t.string) },
    { sessionId: one(t.string), userId: opt(t.long), storeId: opt(t.long) },
  ),
  logoff: op('End a session.', sid, none),
  getSessionInfo: op('Who the session is.', sid, { info: one(SessionInfoT) }),

  // stores and folders
  getStore: op(
    "The session user's store, or (service/admin) a user's store by login name or email.",
    { ...sid, username: opt(t.string), email: opt(t.string) },
    { store: one(StoreT) },
  ),
  getHierarchy: op('All folders of a store with counts.', { ...sid, storeId: one(t.long) }, { folders: many(FolderT) }),
  createFolder: op(
    'Create a folder below parentId (the IPM root when absent).',
    { ...sid, storeId: one(t.long), parentId: opt(t.long), name: one(t.string), containerClass: opt(t.string) },
    { folder: one(FolderT) },
  ),
  copyFolder: op(
    'Rename and/or move a folder (KGC copyFolder with the move flag; copying folders is not supported).',
    { ...sid, folderId: one(t.long), newParentId: opt(t.long), newName: opt(t.string) },
    { folder: one(FolderT) },
  ),
  deleteFolder: op('Delete a folder with its subfolders and messages.', { ...sid, folderId: one(t.long) }, none),
  emptyFolder: op('Delete every message in a folder.', { ...sid, folderId: one(t.long) }, { modseq: one(t.long) }),
  getFolderStatus: op(
    'Counts, uidnext, uidvalidity, highest modseq.',
    { ...sid, folderId: one(t.long) },
    {
      folder: one(FolderT),
    },
  ),
  setFolderSubscribed: op(
    'IMAP subscription state of a folder.',
    { ...sid, folderId: one(t.long), subscribed: one(t.boolean) },
    none,
  ),

  // messages
  createMessage: op(
    'Store a message from raw RFC 5322 bytes and/or properties in one folder.',
    {
      ...sid,
      folderId: one(t.long),
      raw: opt(t.base64),
      flags: many(t.string),
      internalDate: opt(t.dateTime),
      messageClass: opt(t.string),
      props: many(PropT),
    },
    { messageId: one(t.long), uid: one(t.long), modseq: one(t.long) },
  ),
  deliverMessage: op(
    'Store one raw message into several folders (stores) in one transaction, one blob for all; per-target results.',
    { ...sid, raw: one(t.base64), targets: many(TargetT), ignoreQuota: opt(t.boolean) },
    { results: many(CreateResultT) },
  ),
  loadObject: op(
    'Load a message: columns, properties, and optionally the raw MIME and chosen body sections.',
    { ...sid, messageId: one(t.long), withRaw: opt(t.boolean), sections: many(t.string) },
    { message: one(MessageT) },
  ),
  loadMessages: op(
    'The raw MIME of many messages in one call (IMAP FETCH/SEARCH, POP3); messages that are gone or not the caller’s are left out. headersOnly: only the header block of each (through the blank line), for header searches. A call reads a bounded number of bytes (the first message always): the messages past it are answered in deferred, to be asked for again.',
    { ...sid, messageIds: many(t.long), headersOnly: opt(t.boolean) },
    { messages: many(RawMessageT), deferred: many(t.long) },
  ),
  searchBodies: op(
    'Which of many messages contain each text in their body (IMAP SEARCH BODY and TEXT), searched where the messages are: the decoded text of every text/* and message/* part, case-insensitive substrings. Each text (by its position in texts) answers the messages that contain it; messages that are gone or not the caller’s are answered in missing.',
    { ...sid, messageIds: many(t.long), texts: many(t.string) },
    { matches: many(BodyMatchT), missing: many(t.long) },
  ),
  setMessageFlags: op(
    'Add, remove or replace flags/keywords on many messages of a folder, named by messageIds or by uids; unchangedSince guards (CONDSTORE). By messageIds: every message is answered in updated and the refused in failed. By uids: the changed messages are answered in groups and the refused in failedUids (what an IMAP STORE needs, a few elements for a whole mailbox).',
    {
      ...sid,
      folderId: one(t.long),
      messageIds: many(t.long),
      /** An IMAP sequence set of uids (no `*`), instead of messageIds; uids that are not in the folder are skipped. */
      uids: opt(t.string),
      add: many(t.string),
      remove: many(t.string),
      replace: many(t.string),
      replaceAll: opt(t.boolean),
      unchangedSince: opt(t.long),
    },
    {
      modseq: one(t.long),
      updated: many(FlagUpdateT),
      failed: many(t.long),
      groups: many(FlagGroupT),
      failedUids: opt(t.string),
    },
  ),
  copyObjects: op(
    'Copy or move messages into a folder (same or other store).',
    { ...sid, messageIds: many(t.long), destFolderId: one(t.long), move: one(t.boolean) },
    { results: many(CopyResultT) },
  ),
  deleteObjects: op(
    'Delete (expunge) messages. With skipMissing, messages already gone (or out of reach) are left out instead of failing the call.',
    { ...sid, messageIds: many(t.long), skipMissing: opt(t.boolean) },
    { modseq: one(t.long) },
  ),
  tableQueryRows: op(
    'Contents table of a folder: column selection, restriction, sort, offset/limit; many rows per call.',
    {
      ...sid,
      folderId: one(t.long),
      columns: many(t.string),
      restriction: opt(RestrictionT),
      sort: many(SortT),
      offset: opt(t.long),
      limit: opt(t.long),
    },
    { rows: many(RowT), total: one(t.long) },
  ),
  setProps: op(
    'Set (or with no value, delete) generic properties of a message.',
    {
      ...sid,
      messageId: one(t.long),
      props: many(PropT),
    },
    none,
  ),

  // sync and push
  getChanges: op(
    'Change journal of a store (or one folder) after a modseq.',
    { ...sid, storeId: one(t.long), folderId: opt(t.long), sinceModseq: one(t.long), limit: opt(t.long) },
    {
      highestModseq: one(t.long),
      changes: many(ChangeT),
      more: one(t.boolean),
      /** sinceModseq predates the kept journal: resync from scratch. */
      truncated: one(t.boolean),
    },
  ),
  notifyGetItems: op(
    'Long poll: returns at once when the store has changes after sinceModseq, else after at most 60 s.',
    { ...sid, storeId: one(t.long), sinceModseq: one(t.long), timeoutSeconds: opt(t.int) },
    {
      highestModseq: one(t.long),
      changes: many(ChangeT),
      more: one(t.boolean),
      /** sinceModseq predates the kept journal: resync from scratch. */
      truncated: one(t.boolean),
    },
  ),

  // outgoing
  submitMessage: op(
    'Queue a message for sending (refused at soft/hard quota); deferredUntil: not before then (PR_DEFERRED_SEND_TIME).',
    { ...sid, messageId: one(t.long), deleteAfterSubmit: opt(t.boolean), deferredUntil: opt(t.dateTime) },
    { queueId: one(t.long) },
  ),
  submitRawMessage: op(
    "SMTP submission: store raw bytes in the session user's Sent Items and queue them with the SMTP envelope, one transaction.",
    { ...sid, raw: one(t.base64), envelopeFrom: one(t.string), envelopeTo: many(t.string) },
    { messageId: one(t.long), queueId: one(t.long) },
  ),
  claimOutgoing: op(
    'Spooler: lease up to max due queue entries.',
    { ...sid, owner: one(t.string), max: one(t.int), leaseSeconds: one(t.int) },
    { entries: many(OutgoingT) },
  ),
  deferMessage: op(
    'Spooler: give a queue entry back for a later attempt.',
    { ...sid, queueId: one(t.long), owner: one(t.string), delaySeconds: one(t.int) },
    none,
  ),
  finishedMessage: op(
    'Spooler: remove a sent (or permanently failed) entry from the queue; doSentMail also moves the message to Sent Items (or deletes it, deleteAfterSubmit) in the same transaction.',
    { ...sid, queueId: one(t.long), owner: one(t.string), doSentMail: opt(t.boolean) },
    none,
  ),
  finishedMessages: op(
    'Spooler: finishedMessage for many entries in one transaction (group commit); returns the entries finished (one no longer leased by this owner is missing).',
    { ...sid, owner: one(t.string), queueIds: many(t.long), doSentMail: opt(t.boolean) },
    { queueIds: many(t.long) },
  ),
  getQueueStatus: op(
    'Spooler metrics: entries in the outgoing queue, how many are due now and how many are leased.',
    sid,
    { entries: one(t.long), due: one(t.long), leased: one(t.long) },
  ),
  renewOutgoing: op(
    'Spooler: extend the leases this owner still holds; returns the entries renewed (a lost lease is missing).',
    { ...sid, owner: one(t.string), queueIds: many(t.long), leaseSeconds: one(t.int) },
    { queueIds: many(t.long) },
  ),

  // users
  createUser: op('Create a user and its store (db plugin).', { ...sid, user: one(UserInputT) }, { user: one(UserT) }),
  setUser: op('Update a user (db plugin).', { ...byUser, changes: one(UserInputT) }, { user: one(UserT) }),
  getUser: op('Details of a user.', byUser, { user: one(UserT) }),
  deleteUser: op('Delete a user and its store.', byUser, none),
  getUserList: op('All users.', sid, { users: many(UserT) }),
  resolveUsername: op('Login name to user id.', byUser, { userId: one(t.long) }),
  resolveEmail: op(
    'Email address or alias (or login name) to user; ambiguous gives KCERR_COLLISION.',
    { ...sid, email: one(t.string) },
    { userId: one(t.long), username: one(t.string), storeId: one(t.long) },
  ),
  setUserFeatures: op(
    'Enable or disable imap/pop3 for a user.',
    { ...byUser, enable: many(t.string), disable: many(t.string) },
    { user: one(UserT) },
  ),

  // groups
  createGroup: op('Create a group.', { ...sid, name: one(t.string), email: opt(t.string) }, { group: one(GroupT) }),
  groupDelete: op('Delete a group.', { ...sid, name: one(t.string) }, none),
  getGroup: op('Details of a group.', { ...sid, name: one(t.string) }, { group: one(GroupT) }),
  getGroupList: op('All groups.', sid, { groups: many(GroupT) }),
  addGroupUser: op('Add a member.', { ...sid, group: one(t.string), username: one(t.string) }, none),
  deleteGroupUser: op('Remove a member.', { ...sid, group: one(t.string), username: one(t.string) }, none),
  getUserListOfGroup: op('Members of a group.', { ...sid, group: one(t.string) }, { users: many(UserT) }),
  getGroupListOfUser: op('Groups of a user.', byUser, { groups: many(GroupT) }),

  // send-as
  getSendAsList: op('Who may send as this user.', byUser, { usernames: many(t.string) }),
  addSendAsUser: op('Allow sendAs to send as username.', { ...byUser, sendAs: one(t.string) }, none),
  delSendAsUser: op('Revoke.', { ...byUser, sendAs: one(t.string) }, none),

  // quota
  GetQuota: op("A user's quota settings (bytes).", byUser, { quota: one(QuotaT) }),
  SetQuota: op("Set a user's quota (bytes).", { ...byUser, quota: one(QuotaT) }, none),
  GetQuotaStatus: op(
    'Store size and quota level of a user (or of the session user).',
    { ...sid, username: opt(t.string) },
    { status: one(QuotaStatusT) },
  ),
} satisfies Record<string, Operation>;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export type Input<N extends OperationName> = Obj<Operations[N]['input']>;
export type Output<N extends OperationName> = Obj<Operations[N]['output']>;
