/** What an IMAP command handler sees of its session, and the shape of the command table. */
import type { ImapCommandName, ImapCommandOf } from '@kgc/imap-proto';
import type { Logger } from '@kgc/log';
import type { Limits } from '../limits.js';
import type { MailStore, MailStoreProvider } from '../store/types.js';
import type { AnswerCache } from './answer-cache.js';
import type { MailboxTree } from './names.js';
import type { SelectedMailbox } from './selected.js';
import type { ImapState, ImapStateKind, InputMode } from './state.js';

export interface ImapSettings {
  onlyMailFolders: boolean;
  idle: boolean;
  disablePlaintextAuth: boolean;
  maxMessageSize: number;
  /** imap_max_fail_commands: BAD answers before the connection is closed. */
  maxFailCommands: number;
}

/** A tagged OK: `TAG OK [code] text`. */
export interface TaggedOk {
  code?: string;
  text: string;
}

export interface ImapContext {
  state: ImapState;
  readonly log: Logger;
  readonly limits: Limits;
  readonly settings: ImapSettings;
  readonly provider: MailStoreProvider;
  /** Serialized structure answers shared by the sessions of the process. */
  readonly answers: AnswerCache;
  readonly secure: boolean;
  readonly canStartTls: boolean;
  /** LOGIN / AUTHENTICATE PLAIN allowed here (disable_plaintext_auth). */
  plaintextAllowed(): boolean;
  capabilities(): string[];
  /** Untagged or continuation data, as is (waits for the socket to drain). */
  send(data: Buffer | string): Promise<void>;
  /** `* text` CRLF. */
  untagged(text: string): Promise<void>;
  /** Switch what the next input line is. */
  setMode(mode: InputMode): void;
  /** Upgrade to TLS after the tagged OK went out (input pipelined before is dropped). */
  startTls(): Promise<void>;
  /** Log in (LOGIN, AUTHENTICATE): the tagged answer. Counts failures; closes after too many. */
  login(username: string, password: string): Promise<TaggedOk>;
  /** The mailbox tree of the logged-on store (`fresh`: after CREATE/DELETE/RENAME). */
  tree(store: MailStore, fresh?: boolean): Promise<MailboxTree>;
  /** Enter SELECTED with this mailbox (or leave it with undefined), watching it for changes. */
  select(mailbox: SelectedMailbox | undefined): void;
  /** CONDSTORE (RFC 7162) is enabled in this session: MODSEQ goes with every untagged FETCH. */
  readonly condstore: boolean;
  /**
   * CONDSTORE on (RFC 7162 §3.1). The first enabling command with a mailbox selected announces its
   * HIGHESTMODSEQ (§3.1), unless `quiet` (SELECT/EXAMINE, which send it themselves).
   */
  enableCondstore(opts?: { quiet?: boolean }): Promise<void>;
  /** ENABLE QRESYNC was given: expunges are reported as VANISHED (RFC 7162 §3.2.10). */
  readonly qresync: boolean;
  enableQresync(): void;
  /** Bring the selected mailbox up to date now and send what changed (EXPUNGE only when allowed). */
  syncSelected(allowExpunge: boolean): Promise<void>;
}

export interface ImapCommandSpec<N extends ImapCommandName = ImapCommandName> {
  readonly name: N;
  readonly states: readonly ImapStateKind[];
  /**
   * Untagged EXPUNGE must not follow this command (RFC 3501 §7.4.1: FETCH, STORE, SEARCH without UID).
   * Decided per parsed command (the UID variants allow it).
   */
  readonly holdsExpunges?: (command: ImapCommandOf<N>) => boolean;
  /** Resolves with the tagged OK, or null when the command goes on (IDLE, AUTHENTICATE continuation). */
  handle(ctx: ImapContext, command: ImapCommandOf<N>): Promise<TaggedOk | null>;
}

export type ImapCommandTable = { readonly [N in ImapCommandName]?: ImapCommandSpec<N> };
