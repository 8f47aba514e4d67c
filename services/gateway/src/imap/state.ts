/** IMAP session states (RFC 3501 §3), each with the data it needs. */
import type { MailStore } from '../store/types.js';
import type { SelectedMailbox } from './selected.js';

export type ImapState =
  | { kind: 'not-authenticated'; failures: number }
  | { kind: 'authenticated'; store: MailStore }
  | { kind: 'selected'; store: MailStore; mailbox: SelectedMailbox }
  | { kind: 'logout' };

export type ImapStateKind = ImapState['kind'];

/** What the next input line is: a command, a SASL response, or the DONE of IDLE. */
export type InputMode =
  | { kind: 'command' }
  | { kind: 'sasl'; tag: string }
  | { kind: 'idle'; tag: string; stop: () => void };
