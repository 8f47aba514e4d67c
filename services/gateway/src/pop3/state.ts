/** POP3 session states (RFC 1939 §3), each with the data it needs. */
import type { MailStore } from '../store/types.js';

/** One message of the maildrop, fixed at login (RFC 1939: numbers do not change in a session). */
export interface DropMessage {
  messageId: number;
  uid: number;
  size: number;
  /** UIDL: stable across sessions (`uidvalidity.uid` of the Inbox). */
  uidl: string;
}

export interface Maildrop {
  messages: readonly DropMessage[];
  /** Indexes (0-based) marked by DELE; applied only in the UPDATE state. */
  deleted: Set<number>;
  /** Messages before this index have been fetched or asked for ahead of RETR. */
  prefetchedTo: number;
  /** Blocks asked for ahead so far (0: none yet; the first is small). */
  prefetchBlock: number;
}

export type Pop3State =
  | {
      kind: 'authorization';
      /** Name given by USER, waiting for PASS. */
      user?: string;
      /** AUTH PLAIN sent without an initial response: the next line is the response. */
      saslPending?: boolean;
      failures: number;
    }
  | { kind: 'transaction'; store: MailStore; drop: Maildrop }
  /** QUIT in TRANSACTION: deletions being applied, then the connection closes. */
  | { kind: 'update' }
  | { kind: 'closed' };

export type Pop3StateKind = Pop3State['kind'];
