/** Helpers shared by the mailbox and message commands. */
import type { StatusItem } from '@kgc/imap-proto';
import type { FolderInfo, MailStore } from '../../store/types.js';
import type { ImapContext } from '../context.js';
import { bad, no } from '../errors.js';
import type { MailboxEntry } from '../names.js';
import type { SelectedMailbox } from '../selected.js';
import { mailboxName } from '../wire.js';

export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

export function storeOf(ctx: ImapContext): MailStore {
  const s = ctx.state;
  if (s.kind !== 'authenticated' && s.kind !== 'selected') throw bad('Not logged in.');
  return s.store;
}

export function selectedOf(ctx: ImapContext): SelectedMailbox {
  if (ctx.state.kind !== 'selected') throw bad('No mailbox selected.');
  return ctx.state.mailbox;
}

/** An existing mailbox by name, or NO [NONEXISTENT] (TRYCREATE for COPY/APPEND targets). */
export async function mailboxOf(ctx: ImapContext, name: string, tryCreate = false): Promise<MailboxEntry> {
  const entry = (await ctx.tree(storeOf(ctx))).find(name) ?? (await ctx.tree(storeOf(ctx), true)).find(name);
  if (!entry) throw no('Mailbox does not exist.', tryCreate ? 'TRYCREATE' : 'NONEXISTENT');
  return entry;
}

/** The selected mailbox, writable (not EXAMINEd). */
export function writableOf(ctx: ImapContext): SelectedMailbox {
  const m = selectedOf(ctx);
  if (m.readOnly) throw no('Mailbox is read-only.', 'READ-ONLY');
  return m;
}

/** `* STATUS name (ITEM n ...)` (STATUS, and LIST's RETURN (STATUS)); RECENT is 0 (\Recent is per session). */
export function statusLine(name: string, f: FolderInfo, items: readonly StatusItem[]): Buffer {
  const values: Record<StatusItem, number> = {
    MESSAGES: f.messages,
    RECENT: 0,
    UIDNEXT: f.uidNext,
    UIDVALIDITY: f.uidValidity,
    UNSEEN: f.unseen,
    HIGHESTMODSEQ: f.highestModseq,
  };
  return Buffer.concat([
    Buffer.from('* STATUS '),
    mailboxName(name),
    Buffer.from(` (${items.map((i) => `${i} ${values[i]}`).join(' ')})\r\n`),
  ]);
}
