/**
 * SELECT and EXAMINE (RFC 3501 §6.3.1, §6.3.2), with CONDSTORE (RFC 7162 §3.1.8) and QRESYNC
 * (§3.2.5): a client that gives the UIDVALIDITY and modseq it knows gets the UIDs expunged since
 * (VANISHED (EARLIER)) and the flags changed since, instead of refetching the mailbox. A failed
 * SELECT leaves no mailbox selected; closing one implicitly is announced as OK [CLOSED].
 */
import { type QresyncParams, sequenceSetHas } from '@kgc/imap-proto';
import type { MessageMeta } from '../../store/types.js';
import type { ImapCommandSpec, ImapContext } from '../context.js';
import { bad } from '../errors.js';
import { SelectedMailbox } from '../selected.js';
import { vanishedSet } from '../vanished.js';
import { flagList } from '../wire.js';
import { mailboxOf, SYSTEM_FLAGS, storeOf } from './common.js';

/**
 * VANISHED (EARLIER) and the changed messages' FETCH for a QRESYNC select (RFC 7162 §3.2.5.1):
 * the journal is read first (a failure fails the SELECT before anything of it went out), then
 * only what changed since the client's modseq is sent, in pieces, never the whole mailbox as one
 * string.
 */
async function resync(
  ctx: ImapContext,
  mailbox: SelectedMailbox,
  q: QresyncParams,
): Promise<(() => Promise<void>) | undefined> {
  if (q.uidValidity !== mailbox.uidValidity) return undefined;
  const store = storeOf(ctx);
  const uidNext = mailbox.handle.uidNext();
  const knownSet = q.knownUids;
  const known = (uid: number) => (knownSet ? sequenceSetHas(knownSet, uid, uidNext) : true);
  const gone = await store.expungedSince(mailbox.folder.folderId, q.modseq);
  // When the journal does not reach back: every UID the client may know that is not here.
  const vanished = vanishedSet(gone, mailbox.view, uidNext, knownSet ?? undefined, Math.max(uidNext - 1, 0));
  return async () => {
    if (vanished !== '') await ctx.untagged(`VANISHED (EARLIER) ${vanished}`);
    let pending = '';
    const view = mailbox.view;
    for (let i = 0; i < view.length; i++) {
      const e = view[i] as MessageMeta;
      if (e.modseq <= q.modseq || !known(e.uid)) continue;
      pending += `* ${i + 1} FETCH (UID ${e.uid} FLAGS ${flagList(mailbox.flagsOf(e))} MODSEQ (${e.modseq}))\r\n`;
      if (pending.length >= ctx.limits.writeChunk) {
        await ctx.send(pending);
        pending = '';
      }
    }
    if (pending !== '') await ctx.send(pending);
  };
}

async function open(
  ctx: ImapContext,
  command: { mailbox: string; condstore: boolean; qresync: QresyncParams | null },
  readOnly: boolean,
) {
  if (command.qresync && !ctx.qresync) throw bad('QRESYNC must be enabled first (ENABLE QRESYNC).');
  if (command.condstore) await ctx.enableCondstore({ quiet: true });
  const store = storeOf(ctx);
  const wasSelected = ctx.state.kind === 'selected';
  ctx.select(undefined);
  if (wasSelected) await ctx.untagged('OK [CLOSED] Previous mailbox closed.');
  const entry = await mailboxOf(ctx, command.mailbox);
  const handle = await store.openFolder(entry.folder.folderId);
  const mailbox = new SelectedMailbox(entry.name, entry.folder, handle, readOnly);
  ctx.select(mailbox);
  let sendResync: (() => Promise<void>) | undefined;
  try {
    sendResync = command.qresync ? await resync(ctx, mailbox, command.qresync) : undefined;
  } catch (e) {
    ctx.select(undefined);
    throw e;
  }
  const keywords = new Set<string>();
  let firstUnseen = 0;
  mailbox.view.forEach((e, i) => {
    for (const f of e.flags) if (!f.startsWith('\\')) keywords.add(f);
    if (firstUnseen === 0 && !e.flags.includes('\\Seen')) firstUnseen = i + 1;
  });
  const flags = [...SYSTEM_FLAGS, ...[...keywords].sort()];
  const lines = [
    `* FLAGS ${flagList(flags)}`,
    `* OK [PERMANENTFLAGS ${flagList(readOnly ? [] : [...flags, '\\*'])}] Flags permitted.`,
    `* ${mailbox.exists} EXISTS`,
    '* 0 RECENT',
    ...(firstUnseen > 0 ? [`* OK [UNSEEN ${firstUnseen}] First unseen.`] : []),
    `* OK [UIDVALIDITY ${mailbox.uidValidity}] UIDs valid.`,
    `* OK [UIDNEXT ${handle.uidNext()}] Predicted next UID.`,
    ...(ctx.condstore ? [`* OK [HIGHESTMODSEQ ${mailbox.highestModseq()}] Highest.`] : []),
  ];
  await ctx.send(`${lines.join('\r\n')}\r\n`);
  await sendResync?.();
  return { code: readOnly ? 'READ-ONLY' : 'READ-WRITE', text: `${readOnly ? 'EXAMINE' : 'SELECT'} completed.` };
}

export const select: ImapCommandSpec<'SELECT'> = {
  name: 'SELECT',
  states: ['authenticated', 'selected'],
  handle: (ctx, command) => open(ctx, command, false),
};

export const examine: ImapCommandSpec<'EXAMINE'> = {
  name: 'EXAMINE',
  states: ['authenticated', 'selected'],
  handle: (ctx, command) => open(ctx, command, true),
};
