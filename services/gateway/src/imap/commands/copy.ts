/**
 * COPY (RFC 3501 §6.4.7) and MOVE (RFC 6851), with COPYUID (RFC 4315). One server call for all
 * the messages. MOVE reports the moved messages as EXPUNGE (after an untagged OK [COPYUID]).
 */
import { formatNumberSet } from '@kgc/imap-proto';
import type { ImapCommandSpec, ImapContext } from '../context.js';
import { mailboxOf, selectedOf, storeOf, writableOf } from './common.js';

async function copyOrMove(
  ctx: ImapContext,
  command: { sequenceSet: import('@kgc/imap-proto').SequenceSet; uid: boolean; mailbox: string },
  move: boolean,
) {
  const mailbox = move ? writableOf(ctx) : selectedOf(ctx);
  const dest = await mailboxOf(ctx, command.mailbox, true);
  const targets = mailbox.resolve(command.sequenceSet, command.uid).filter((t) => !mailbox.isExpunged(t.entry.uid));
  const verb = move ? 'MOVE' : 'COPY';
  if (targets.length === 0) return { text: `${verb} completed.` };
  const results = await storeOf(ctx).copyMessages(
    targets.map((t) => t.entry.messageId),
    dest.folder.folderId,
    move,
  );
  results.sort((a, b) => a.sourceUid - b.sourceUid);
  const copyUid = `COPYUID ${dest.folder.uidValidity} ${formatNumberSet(results.map((r) => r.sourceUid))} ${formatNumberSet(results.map((r) => r.uid))}`;
  const selfTarget = dest.folder.folderId === mailbox.folder.folderId;
  if (move || selfTarget) await mailbox.handle.refresh();
  if (move) {
    await ctx.untagged(`OK [${copyUid}] Moved.`);
    // RFC 6851 §4.4 with QRESYNC (RFC 7162 §3.2.9): the new HIGHESTMODSEQ.
    return { ...(ctx.qresync ? { code: `HIGHESTMODSEQ ${mailbox.highestModseq()}` } : {}), text: 'MOVE completed.' };
  }
  return { code: copyUid, text: 'COPY completed.' };
}

export const copy: ImapCommandSpec<'COPY'> = {
  name: 'COPY',
  states: ['selected'],
  handle: (ctx, command) => copyOrMove(ctx, command, false),
};

export const move: ImapCommandSpec<'MOVE'> = {
  name: 'MOVE',
  states: ['selected'],
  handle: (ctx, command) => copyOrMove(ctx, command, true),
};
