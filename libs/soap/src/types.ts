/** Complex types shared by the operations in spec.ts. */
import { many, one, opt, t } from './schema.js';

export const QuotaT = t.struct('Quota', {
  override: one(t.boolean),
  warn: one(t.long),
  soft: one(t.long),
  hard: one(t.long),
});

export const QuotaStatusT = t.struct('QuotaStatus', {
  size: one(t.long),
  warn: one(t.long),
  soft: one(t.long),
  hard: one(t.long),
  /** ok | warn | soft | hard */
  level: one(t.string),
});

export const UserT = t.struct('User', {
  userId: one(t.long),
  username: one(t.string),
  fullName: one(t.string),
  email: opt(t.string),
  isAdmin: one(t.boolean),
  active: one(t.boolean),
  /** db | ldap */
  source: one(t.string),
  aliases: many(t.string),
  /** Login names of the users who may send as this user. */
  sendAs: many(t.string),
  enabledFeatures: many(t.string),
  disabledFeatures: many(t.string),
  /** The effective features after the server's disabled_features. */
  features: many(t.string),
  storeId: opt(t.long),
  quota: one(QuotaT),
});

export const UserInputT = t.struct('UserInput', {
  username: opt(t.string),
  password: opt(t.string),
  fullName: opt(t.string),
  email: opt(t.string),
  isAdmin: opt(t.boolean),
  active: opt(t.boolean),
  aliases: many(t.string),
  /** setUser: `aliases` is the complete new list, even when empty (else an empty list means "unchanged"). */
  replaceAliases: opt(t.boolean),
});

export const GroupT = t.struct('Group', {
  groupId: one(t.long),
  name: one(t.string),
  email: opt(t.string),
  members: many(t.string),
});

export const StoreT = t.struct('Store', {
  storeId: one(t.long),
  guid: one(t.string),
  userId: one(t.long),
  username: one(t.string),
  size: one(t.long),
  highestModseq: one(t.long),
});

export const FolderT = t.struct('Folder', {
  folderId: one(t.long),
  storeId: one(t.long),
  parentId: opt(t.long),
  name: one(t.string),
  containerClass: one(t.string),
  /** inbox | outbox | sent | trash | drafts | junk | calendar | contacts | tasks | notes */
  specialUse: opt(t.string),
  uidValidity: one(t.long),
  uidNext: one(t.long),
  highestModseq: one(t.long),
  messages: one(t.long),
  unseen: one(t.long),
  size: one(t.long),
  subscribed: one(t.boolean),
});

export const PropT = t.struct('Prop', {
  name: one(t.string),
  /** string | int | bool | binary | date */
  type: one(t.string),
  value: opt(t.string),
});

export const TargetT = t.struct('Target', {
  folderId: one(t.long),
  flags: many(t.string),
  internalDate: opt(t.dateTime),
  /**
   * Idempotency key of this delivery (dagent: SHA-256 of the received bytes and the user). A
   * message already delivered into the same store with the same key is returned instead of a
   * second copy, so a retry after a lost reply stores nothing twice. At most 64 characters.
   */
  deliveryKey: opt(t.string),
});

export const CreateResultT = t.struct('CreateResult', {
  folderId: one(t.long),
  messageId: opt(t.long),
  uid: opt(t.long),
  modseq: opt(t.long),
  /** A KCERR_* code when this target failed (e.g. KCERR_STORE_FULL); the others still succeeded. */
  error: opt(t.string),
});

export const PartT = t.struct('Part', {
  section: one(t.string),
  data: opt(t.base64),
});

export const MessageT = t.struct('Message', {
  messageId: one(t.long),
  storeId: one(t.long),
  folderId: one(t.long),
  uid: one(t.long),
  modseq: one(t.long),
  flags: many(t.string),
  internalDate: one(t.dateTime),
  size: one(t.long),
  messageClass: one(t.string),
  subject: opt(t.string),
  fromAddr: opt(t.string),
  fromName: opt(t.string),
  toAddrs: opt(t.string),
  ccAddrs: opt(t.string),
  date: opt(t.dateTime),
  messageIdHeader: opt(t.string),
  inReplyTo: opt(t.string),
  hasAttachments: one(t.boolean),
  /** The IMAP ENVELOPE (RFC 3501 §7.4.2) as a FETCH answer carries it, computed when the message was stored. */
  imapEnvelope: opt(t.base64),
  /** The IMAP BODY: the body structure without extension data. */
  imapBody: opt(t.base64),
  /** The IMAP BODYSTRUCTURE, with extension data. */
  imapBodystructure: opt(t.base64),
  raw: opt(t.base64),
  props: many(PropT),
  parts: many(PartT),
});

export const RawMessageT = t.struct('RawMessage', {
  messageId: one(t.long),
  raw: one(t.base64),
});

/** The messages of a searchBodies call whose body contains one of its texts (by its position in `texts`, from 0). */
export const BodyMatchT = t.struct('BodyMatch', {
  textIndex: one(t.int),
  messageIds: many(t.long),
});

export const RowT = t.struct('Row', {
  messageId: one(t.long),
  uid: one(t.long),
  folderId: opt(t.long),
  modseq: opt(t.long),
  flags: many(t.string),
  internalDate: opt(t.dateTime),
  size: opt(t.long),
  messageClass: opt(t.string),
  subject: opt(t.string),
  fromAddr: opt(t.string),
  fromName: opt(t.string),
  toAddrs: opt(t.string),
  ccAddrs: opt(t.string),
  date: opt(t.dateTime),
  messageIdHeader: opt(t.string),
  inReplyTo: opt(t.string),
  hasAttachments: opt(t.boolean),
  imapEnvelope: opt(t.base64),
  imapBody: opt(t.base64),
  imapBodystructure: opt(t.base64),
  /** The decoded value of every top-level Subject field, a JSON array of strings (what SEARCH SUBJECT compares); absent for messages stored without it. */
  searchSubjects: opt(t.string),
});

export const RangeT = t.struct('Range', { from: one(t.long), to: one(t.long) });

export const HeaderMatchT = t.struct('HeaderMatch', {
  /** subject | from | to | cc | message-id */
  field: one(t.string),
  value: one(t.string),
});

export const RestrictionT = t.struct('Restriction', {
  uidRanges: many(RangeT),
  flagsSet: many(t.string),
  flagsUnset: many(t.string),
  since: opt(t.dateTime),
  before: opt(t.dateTime),
  larger: opt(t.long),
  smaller: opt(t.long),
  modseqSince: opt(t.long),
  headers: many(HeaderMatchT),
});

export const SortT = t.struct('Sort', {
  /** uid | internalDate | date | size | subject | from */
  column: one(t.string),
  descending: one(t.boolean),
});

export const FlagUpdateT = t.struct('FlagUpdate', {
  messageId: one(t.long),
  uid: one(t.long),
  modseq: one(t.long),
  flags: many(t.string),
});

/** Messages a setMessageFlags by uids changed to the same flags (with the call's modseq). */
export const FlagGroupT = t.struct('FlagGroup', {
  modseq: one(t.long),
  flags: many(t.string),
  /** Their uids as an IMAP sequence set (RFC 3501 §9), e.g. `1:200,305`. */
  uids: one(t.string),
});

export const CopyResultT = t.struct('CopyResult', {
  sourceId: one(t.long),
  sourceUid: one(t.long),
  messageId: one(t.long),
  uid: one(t.long),
});

export const ChangeT = t.struct('Change', {
  modseq: one(t.long),
  /** message-new | message-flags | message-expunge | folder-new | folder-change | folder-delete */
  kind: one(t.string),
  folderId: opt(t.long),
  messageId: opt(t.long),
  uid: opt(t.long),
  /**
   * message-flags of a run of messages (no messageId): the messages of the folder with uids from
   * uid to uidLast whose modseq is this change's modseq.
   */
  uidLast: opt(t.long),
});

export const OutgoingT = t.struct('Outgoing', {
  queueId: one(t.long),
  storeId: one(t.long),
  messageId: one(t.long),
  userId: one(t.long),
  username: one(t.string),
  attempts: one(t.int),
  deleteAfterSubmit: one(t.boolean),
  leaseExpires: one(t.dateTime),
  submittedAt: one(t.dateTime),
});

export const SessionInfoT = t.struct('SessionInfo', {
  /** user | service */
  kind: one(t.string),
  userId: opt(t.long),
  username: opt(t.string),
  storeId: opt(t.long),
  isAdmin: one(t.boolean),
  expires: one(t.dateTime),
});
