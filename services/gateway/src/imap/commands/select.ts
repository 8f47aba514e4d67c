/** SELECT and EXAMINE (RFC 3501 §6.3.1, §6.3.2). A failed SELECT leaves no mailbox selected. */
import type { ImapCommandSpec, ImapContext } from '../context.js';
import { bad } from '../errors.js';
import { SelectedMailbox } from '../selected.js';
import { flagList } from '../wire.js';
import { mailboxOf, SYSTEM_FLAGS, storeOf } from './common.js';

async function open(
  ctx: ImapContext,
  command: { mailbox: string; condstore: boolean; qresync: unknown },
  readOnly: boolean,
) {
  if (command.qresync) throw bad('QRESYNC is not offered.');
  if (command.condstore) ctx.enableCondstore();
  const store = storeOf(ctx);
  ctx.select(undefined);
  const entry = await mailboxOf(ctx, command.mailbox);
  const handle = await store.openFolder(entry.folder.folderId);
  const mailbox = new SelectedMailbox(entry.name, entry.folder, handle, readOnly);
  ctx.select(mailbox);
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
