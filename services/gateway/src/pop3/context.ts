/** What a POP3 command handler sees of its session. */
import type { Logger } from '@kgc/log';
import type { Pop3Command, Pop3CommandName } from '@kgc/pop3-proto';
import type { Limits } from '../limits.js';
import type { MailStoreProvider } from '../store/types.js';
import type { Pop3State, Pop3StateKind } from './state.js';

export interface Pop3Context {
  state: Pop3State;
  readonly log: Logger;
  readonly limits: Limits;
  readonly provider: MailStoreProvider;
  /** TLS is active (pop3s or after STLS). */
  readonly secure: boolean;
  /** STLS can be offered now. */
  readonly canStartTls: boolean;
  /** USER/PASS and AUTH PLAIN are allowed on this connection (disable_plaintext_auth). */
  plaintextAllowed(): boolean;
  /** Write a reply (waits for the socket to drain). */
  send(data: Buffer): Promise<void>;
  /** After the reply: upgrade to TLS, dropping any input the client pipelined before the handshake. */
  startTls(): Promise<void>;
  /** Send the last reply and close. */
  close(last?: Buffer): Promise<void>;
}

export interface Pop3CommandSpec<N extends Pop3CommandName = Pop3CommandName> {
  readonly name: N;
  /** States in which the command is accepted; elsewhere `-ERR` (counted as a bad command). */
  readonly states: readonly Pop3StateKind[];
  handle(ctx: Pop3Context, command: Extract<Pop3Command, { name: N }>): Promise<void>;
}

export type Pop3CommandTable = { readonly [N in Pop3CommandName]: Pop3CommandSpec<N> };
