import type { KcError } from '@kgc/soap';
import type { StoreChange } from './journal.js';
import type { PropertyMap } from './properties.js';

/** One stored message: the columns the tables sort and filter on, plus caches filled by the caller. */
export interface MessageRecord {
  id: number;
  storeId: number;
  folderId: number;
  /** IMAP UID: unique per folder, strictly ascending, never reused. */
  uid: number;
  modseq: number;
  /** Bitmask of MessageFlag. */
  flags: number;
  keywords: string[];
  /** Epoch ms (IMAP INTERNALDATE). */
  internalDate: number;
  /** Bytes; the store size is the sum of these. */
  size: number;
  messageClass: string;
  subject: string | null;
  fromAddress: string | null;
  fromName: string | null;
  /** Header text of To / Cc, as the caller chose to store it (for substring search). */
  to: string | null;
  cc: string | null;
  /** Date header, epoch ms. */
  date: number | null;
  messageId: string | null;
  inReplyTo: string | null;
  /** IMAP ENVELOPE, BODY and BODYSTRUCTURE as FETCH sends them (KGC keeps them for its gateway too). */
  imapEnvelope: Buffer | null;
  imapBody: Buffer | null;
  imapBodystructure: Buffer | null;
  /**
   * The decoded value of every top-level Subject field, as a JSON array of strings (what SEARCH
   * SUBJECT compares; @kgc/mapi searchSubjects); null for messages stored without it.
   */
  searchSubjects: string | null;
  /** SHA-256 of the original MIME, or null for messages without one. */
  blobHash: string | null;
  hasAttachments: boolean;
  createdAt: number;
}

export type MessageColumn = Exclude<keyof MessageRecord, 'id' | 'uid'>;

export interface MessageEnvelope {
  subject?: string | null;
  fromAddress?: string | null;
  fromName?: string | null;
  to?: string | null;
  cc?: string | null;
  date?: number | null;
  messageId?: string | null;
  inReplyTo?: string | null;
}

export interface NewMessage {
  folderId: number;
  /** The original RFC 5322 bytes. Equal bytes (same hash) are stored once for any number of messages. */
  mime?: Uint8Array;
  /** Or reference a blob that already exists (KCERR_NOT_FOUND otherwise). */
  blobHash?: string;
  /** Default: the MIME length (or the referenced blob's size), else 0. */
  size?: number;
  flags?: number;
  keywords?: string[];
  /** Epoch ms; default now. */
  internalDate?: number;
  /** Default IPM.Note. */
  messageClass?: string;
  envelope?: MessageEnvelope;
  imapEnvelope?: Buffer | null;
  imapBody?: Buffer | null;
  imapBodystructure?: Buffer | null;
  searchSubjects?: string | null;
  hasAttachments?: boolean;
  properties?: PropertyMap;
  /**
   * Idempotency key (at most 64 characters, e.g. the dagent's SHA-256 of the received bytes and
   * the user): when the target store already holds a message created with this key, that message
   * is the result and nothing is created (a retry after a lost reply stores nothing twice).
   */
  deliveryKey?: string;
}

export interface CreateMessagesOptions {
  /** System-generated mail (quota warnings, NDRs): no hard-quota check. */
  skipQuotaCheck?: boolean;
  /**
   * Called when the transaction's last trip (its writes and COMMIT) is sent: nothing it does from
   * then on waits for another lock, so the next transaction on its stores may start queueing for
   * them (the write batcher's pipelining).
   */
  onLastTrip?: () => void;
}

export interface CreatedMessage {
  ok: true;
  id: number;
  storeId: number;
  folderId: number;
  uid: number;
  modseq: number;
  blobHash: string | null;
  /** The delivery key matched a message stored earlier: this is that message, nothing was created. */
  existing?: boolean;
}

/** Per-message refusal (KCERR_STORE_FULL at hard quota, KCERR_NOT_FOUND for a missing folder). */
export interface RefusedMessage {
  ok: false;
  error: KcError;
}

export interface CreateMessagesResult {
  /** Aligned with the input. */
  results: Array<CreatedMessage | RefusedMessage>;
  changes: StoreChange[];
}

export interface LoadedMessage extends MessageRecord {
  properties: PropertyMap;
  /** The original MIME when requested and present. */
  mime: Buffer | null;
}

export interface LoadOptions {
  /** true: all properties; a list: only those names; default none. */
  properties?: boolean | readonly string[];
  /** Load the MIME bytes (default false). */
  mime?: boolean;
}

export interface FlagChange {
  /** System flags to set / clear (MessageFlag bitmask), or `replace` them all. */
  add?: number;
  remove?: number;
  replace?: number;
  addKeywords?: string[];
  removeKeywords?: string[];
  replaceKeywords?: string[];
}

export interface SetFlagsOptions {
  /** CONDSTORE UNCHANGEDSINCE: messages with a higher modseq are not changed and listed in `modified`. */
  unchangedSince?: number;
}

export interface FlagState {
  id: number;
  folderId: number;
  uid: number;
  flags: number;
  keywords: string[];
  modseq: number;
  /** This call changed the message. */
  changed: boolean;
}

export interface SetFlagsResult {
  /** Every found message that passed the guard, with its state after the call. */
  messages: FlagState[];
  /** Failed the unchangedSince guard (RFC 7162 MODIFIED). */
  modified: number[];
  notFound: number[];
  changes: StoreChange[];
}

export interface CopyOptions {
  /** No hard-quota check on the target store. */
  skipQuotaCheck?: boolean;
}

export interface CopiedMessage {
  sourceId: number;
  sourceFolderId: number;
  sourceUid: number;
  /** New message id (same-store moves keep the id). */
  id: number;
  uid: number;
}

export interface CopyResult {
  /** In source (folder, uid) order: COPYUID / MOVE responses. */
  copied: CopiedMessage[];
  notFound: number[];
  changes: StoreChange[];
}

export interface DeletedMessage {
  id: number;
  folderId: number;
  uid: number;
}

export interface DeleteResult {
  deleted: DeletedMessage[];
  notFound: number[];
  changes: StoreChange[];
}
