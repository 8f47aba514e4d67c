/** Helpers shared by the TRANSACTION commands. */
import type { Pop3Context } from '../context.js';
import { Pop3Error } from '../errors.js';
import type { DropMessage, Maildrop, Pop3State } from '../state.js';

export type Transaction = Extract<Pop3State, { kind: 'transaction' }>;

export function transaction(ctx: Pop3Context): Transaction {
  if (ctx.state.kind !== 'transaction') throw new Pop3Error('Not logged in.');
  return ctx.state;
}

/** Message `n` (1-based) unless it does not exist or is marked deleted. */
export function messageOf(drop: Maildrop, n: number): DropMessage {
  const m = drop.messages[n - 1];
  if (!m || drop.deleted.has(n - 1)) throw new Pop3Error('There is no such message.');
  return m;
}
