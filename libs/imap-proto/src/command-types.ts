/**
 * The typed commands the parser produces: {@link ImapCommand} is a discriminated union on `name` (upper case;
 * `uid: true` marks the UID variants). Mailbox names are decoded from modified UTF-7 (`INBOX` in any case becomes
 * `INBOX`); strings are UTF-8 text; flags keep their case except system flags, which are canonical (`\Seen`).
 */
import type { SectionPartial, SectionSpec } from '@kgc/mapi';
import type { SequenceSet } from './sequence-set.js';

/** Commands without arguments. */
export type SimpleCommandName =
  | 'CAPABILITY'
  | 'NOOP'
  | 'LOGOUT'
  | 'STARTTLS'
  | 'CHECK'
  | 'CLOSE'
  | 'UNSELECT'
  | 'IDLE'
  | 'NAMESPACE';

export interface SimpleCommand {
  tag: string;
  name: SimpleCommandName;
}

/** AUTHENTICATE mechanism [initial-response] (RFC 3501, SASL-IR RFC 4959). */
export interface AuthenticateCommand {
  tag: string;
  name: 'AUTHENTICATE';
  /** Upper case, e.g. `PLAIN`. */
  mechanism: string;
  /** Decoded SASL-IR initial response (`=` is an empty one), null when absent. */
  initialResponse: Buffer | null;
}

export interface LoginCommand {
  tag: string;
  name: 'LOGIN';
  username: string;
  password: string;
}

/** QRESYNC select parameter (RFC 7162 §3.2.5). */
export interface QresyncParams {
  uidValidity: number;
  modseq: number;
  /** UIDs the client knows (no `*`). */
  knownUids: SequenceSet | null;
  /** Message numbers and the UIDs they had, for the server to find the first expunge. */
  sequenceMatch: { sequences: SequenceSet; uids: SequenceSet } | null;
}

export interface SelectCommand {
  tag: string;
  name: 'SELECT' | 'EXAMINE';
  mailbox: string;
  /** `(CONDSTORE)` given (RFC 7162 §3.1.8). */
  condstore: boolean;
  qresync: QresyncParams | null;
}

export interface CreateCommand {
  tag: string;
  name: 'CREATE';
  mailbox: string;
  /** `(USE (\Sent ...))` of CREATE-SPECIAL-USE (RFC 6154 §3); empty when absent. */
  specialUse: string[];
}

export interface MailboxCommand {
  tag: string;
  name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE';
  mailbox: string;
}

export interface RenameCommand {
  tag: string;
  name: 'RENAME';
  from: string;
  to: string;
}

/** LIST selection options (RFC 5258 §3.1, SPECIAL-USE RFC 6154). */
export interface ListSelection {
  subscribed: boolean;
  remote: boolean;
  recursiveMatch: boolean;
  specialUse: boolean;
}

export type StatusItem = 'MESSAGES' | 'RECENT' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN' | 'HIGHESTMODSEQ';

/** LIST return options (RFC 5258 §3.2, RFC 6154, LIST-STATUS RFC 5819). */
export interface ListReturn {
  subscribed: boolean;
  children: boolean;
  specialUse: boolean;
  /** `STATUS (...)` items, null when not asked. */
  status: StatusItem[] | null;
}

export interface ListCommand {
  tag: string;
  name: 'LIST';
  reference: string;
  /** One pattern, or several with LIST-EXTENDED `(a b)`. */
  patterns: string[];
  selection: ListSelection;
  returnOptions: ListReturn;
  /** True when any LIST-EXTENDED syntax was used (selection options, pattern list, RETURN). */
  extended: boolean;
}

export interface LsubCommand {
  tag: string;
  name: 'LSUB';
  reference: string;
  pattern: string;
}

export interface StatusCommand {
  tag: string;
  name: 'STATUS';
  mailbox: string;
  items: StatusItem[];
}

/** A date-time of APPEND: the instant and the zone offset the client gave. */
export interface ImapDateTime {
  date: Date;
  /** Minutes east of UTC, e.g. +0200 is 120. */
  offsetMinutes: number;
}

export interface AppendMessage {
  flags: string[];
  internalDate: ImapDateTime | null;
  data: Buffer;
  /** Sent as literal8 `~{n}` (RFC 3516). */
  binary: boolean;
}

export interface AppendCommand {
  tag: string;
  name: 'APPEND';
  mailbox: string;
  /** One message, or several with MULTIAPPEND syntax (RFC 3502). */
  messages: AppendMessage[];
}

export interface ExpungeCommand {
  tag: string;
  name: 'EXPUNGE';
  uid: boolean;
  /** The UID set of `UID EXPUNGE` (RFC 4315), null for plain EXPUNGE. */
  sequenceSet: SequenceSet | null;
}

/** A calendar day of SEARCH (time and zone disregarded, RFC 3501 §6.4.4). */
export interface SearchDate {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
}

export type SearchStringKey = 'BCC' | 'CC' | 'FROM' | 'TO' | 'SUBJECT' | 'BODY' | 'TEXT';
export type SearchDateKey = 'BEFORE' | 'ON' | 'SINCE' | 'SENTBEFORE' | 'SENTON' | 'SENTSINCE';

/**
 * A search criterion. Flag keys are normalised: ANSWERED/UNANSWERED... and KEYWORD/UNKEYWORD are `FLAG`, NEW is
 * `AND(FLAG \Recent, FLAG not \Seen)`, OLD is `FLAG not \Recent`; several keys in a row or in parentheses are `AND`.
 */
export type SearchKey =
  | { key: 'ALL' }
  | { key: 'FLAG'; flag: string; set: boolean }
  | { key: SearchStringKey; value: string }
  | { key: 'HEADER'; field: string; value: string }
  | { key: SearchDateKey; date: SearchDate }
  | { key: 'LARGER' | 'SMALLER'; size: number }
  /** WITHIN (RFC 5032), in seconds. */
  | { key: 'OLDER' | 'YOUNGER'; seconds: number }
  | { key: 'UID'; set: SequenceSet }
  | { key: 'SEQUENCE'; set: SequenceSet }
  /** RFC 7162 §3.1.5; `entry` is the optional metadata item (`"/flags/\\Seen" priv`). */
  | { key: 'MODSEQ'; modseq: number; entry: { name: string; type: 'priv' | 'shared' | 'all' } | null }
  | { key: 'NOT'; operand: SearchKey }
  | { key: 'OR'; left: SearchKey; right: SearchKey }
  | { key: 'AND'; operands: SearchKey[] };

/** ESEARCH RETURN options (RFC 4731; SAVE is RFC 5182). */
export type SearchReturnOption = 'MIN' | 'MAX' | 'ALL' | 'COUNT' | 'SAVE';

export interface SearchCommand {
  tag: string;
  name: 'SEARCH';
  uid: boolean;
  /** Upper case when given (only UTF-8 and US-ASCII are accepted). */
  charset: string | null;
  criteria: SearchKey;
  /** `RETURN (...)`: null when absent (a classic `* SEARCH` answer); `[]` means ALL in an ESEARCH answer. */
  returnOptions: SearchReturnOption[] | null;
}

/** SORT keys (RFC 5256; DISPLAYFROM/DISPLAYTO RFC 5957). */
export type SortKey = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO' | 'DISPLAYFROM' | 'DISPLAYTO';

export interface SortCommand {
  tag: string;
  name: 'SORT';
  uid: boolean;
  sortCriteria: { key: SortKey; reverse: boolean }[];
  /** Mandatory in SORT; upper case. */
  charset: string;
  criteria: SearchKey;
  /** ESORT `RETURN (...)` (RFC 5267), null when absent. */
  returnOptions: SearchReturnOption[] | null;
}

export interface ThreadCommand {
  tag: string;
  name: 'THREAD';
  uid: boolean;
  algorithm: 'ORDEREDSUBJECT' | 'REFERENCES';
  charset: string;
  criteria: SearchKey;
}

export type SimpleFetchItem =
  | 'UID'
  | 'FLAGS'
  | 'INTERNALDATE'
  | 'RFC822.SIZE'
  | 'ENVELOPE'
  /** non-extensible BODYSTRUCTURE */
  | 'BODY'
  | 'BODYSTRUCTURE'
  | 'RFC822'
  | 'RFC822.HEADER'
  | 'RFC822.TEXT'
  | 'MODSEQ';

export type FetchAttribute =
  | { kind: SimpleFetchItem }
  /** `BODY[section]<partial>` / `BODY.PEEK[...]`; `section` works with @kgc/mapi's `sectionOf`. */
  | { kind: 'BODY[]'; peek: boolean; section: SectionSpec; partial: SectionPartial | null }
  /** `BINARY[part]<partial>` / `BINARY.PEEK[...]` (RFC 3516); `part` is "" or "1.2". */
  | { kind: 'BINARY'; peek: boolean; part: string; partial: SectionPartial | null }
  | { kind: 'BINARY.SIZE'; part: string };

export interface FetchCommand {
  tag: string;
  name: 'FETCH';
  uid: boolean;
  sequenceSet: SequenceSet;
  /** In the order asked, macros expanded, duplicates kept out. */
  attributes: FetchAttribute[];
  /** The macro used, if any. */
  macro: 'ALL' | 'FAST' | 'FULL' | null;
  /** CHANGEDSINCE modifier (RFC 7162 §3.1.4.1). */
  changedSince: number | null;
  /** VANISHED modifier (RFC 7162 §3.2.6; UID FETCH with CHANGEDSINCE only). */
  vanished: boolean;
}

export interface StoreCommand {
  tag: string;
  name: 'STORE';
  uid: boolean;
  sequenceSet: SequenceSet;
  /** FLAGS (replace), +FLAGS (add), -FLAGS (remove). */
  operation: 'replace' | 'add' | 'remove';
  silent: boolean;
  flags: string[];
  /** UNCHANGEDSINCE modifier (RFC 7162 §3.1.3); may be 0. */
  unchangedSince: number | null;
}

export interface CopyCommand {
  tag: string;
  name: 'COPY' | 'MOVE';
  uid: boolean;
  sequenceSet: SequenceSet;
  mailbox: string;
}

export interface EnableCommand {
  tag: string;
  name: 'ENABLE';
  /** Upper case. */
  capabilities: string[];
}

export interface IdCommand {
  tag: string;
  name: 'ID';
  /** Null for `ID NIL`. */
  parameters: { field: string; value: string | null }[] | null;
}

export interface GetQuotaCommand {
  tag: string;
  name: 'GETQUOTA';
  root: string;
}

export interface GetQuotaRootCommand {
  tag: string;
  name: 'GETQUOTAROOT';
  mailbox: string;
}

export interface SetQuotaCommand {
  tag: string;
  name: 'SETQUOTA';
  root: string;
  /** Upper-case resource names (STORAGE, MESSAGE, ...). */
  limits: { resource: string; limit: number }[];
}

export type ImapCommand =
  | SimpleCommand
  | AuthenticateCommand
  | LoginCommand
  | SelectCommand
  | CreateCommand
  | MailboxCommand
  | RenameCommand
  | ListCommand
  | LsubCommand
  | StatusCommand
  | AppendCommand
  | ExpungeCommand
  | SearchCommand
  | SortCommand
  | ThreadCommand
  | FetchCommand
  | StoreCommand
  | CopyCommand
  | EnableCommand
  | IdCommand
  | GetQuotaCommand
  | GetQuotaRootCommand
  | SetQuotaCommand;

export type ImapCommandName = ImapCommand['name'];

/** The command of a given name (`ImapCommandOf<'EXAMINE'>` is a SelectCommand named EXAMINE). */
export type ImapCommandOf<N extends ImapCommandName> = ImapCommand extends infer C
  ? C extends { name: infer M }
    ? N extends M
      ? C & { name: N }
      : never
    : never
  : never;
