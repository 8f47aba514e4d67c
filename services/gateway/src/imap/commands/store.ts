/**
 * STORE (RFC 3501 §6.4.6): FLAGS / +FLAGS / -FLAGS (.SILENT) in one server call for all the
 * messages; the new flags are answered as FETCH unless silent (with MODSEQ once CONDSTORE is on).
 * UNCHANGEDSINCE (RFC 7162 §3.1.3) is checked by the server in the same call; the refused
 * messages are named in OK [MODIFIED ...].
 */
import { formatNumberSet } from '@kgc/imap-proto';
import type { FlagChange } from '../../store/types.js';
import type { ImapCommandSpec } from '../context.js';
import { flagList } from '../wire.js';
import { storeOf, writableOf } from './common.js';

export const store: ImapCommandSpec<'STORE'> = {
  name: 'STORE',
  states: ['selected'],
  holdsExpunges: (command) => !command.uid,
  async handle(ctx, command) {
    if (command.unchangedSince !== null) await ctx.enableCondstore();
    const mailbox = writableOf(ctx);
    const runs = mailbox.uidRuns(command.sequenceSet, command.uid);
    if (runs.length === 0) return { text: 'STORE completed.' };
    // The messages one by one only when they are answered (not silent) or some were refused.
    const targetsOf = () =>
      mailbox.resolve(command.sequenceSet, command.uid).filter((t) => !mailbox.isExpunged(t.entry.uid));
    const targets = command.silent && command.unchangedSince === null ? undefined : targetsOf();
    const flags = command.flags.filter((f) => f !== '\\Recent');
    const change: FlagChange = {
      ...(command.operation === 'add'
        ? { add: flags }
        : command.operation === 'remove'
          ? { remove: flags }
          : { replace: flags }),
      ...(command.unchangedSince !== null ? { unchangedSince: command.unchangedSince } : {}),
    };
    const token = mailbox.ownChangeToken();
    const r = await storeOf(ctx).setFlags(mailbox.folder.folderId, runs, change);
    mailbox.applyOwn(r.groups, token);
    const failed = new Set(r.failed);
    // RFC 7162 §3.1.3: a conditional STORE answers every message it stored with its MODSEQ, even
    // when silent (then without FLAGS), so that the client's cache holds the new mod-sequences.
    const conditional = command.unchangedSince !== null;
    if (targets && (!command.silent || conditional)) {
      const lines: string[] = [];
      for (const t of targets) {
        if (failed.has(t.entry.uid)) continue;
        const seq = mailbox.seqOf(t.entry.uid);
        const e = seq === undefined ? undefined : mailbox.view[seq - 1];
        if (!e || seq === undefined) continue;
        const items = [
          ...(command.silent ? [] : [`FLAGS ${flagList(mailbox.flagsOf(e))}`]),
          // RFC 7162 §3.2.4: with QRESYNC on, every FETCH a STORE causes carries the UID.
          ...(command.uid || ctx.qresync ? [`UID ${e.uid}`] : []),
          ...(ctx.condstore ? [`MODSEQ (${e.modseq})`] : []),
        ];
        lines.push(`* ${seq} FETCH (${items.join(' ')})`);
      }
      if (lines.length > 0) await ctx.send(`${lines.join('\r\n')}\r\n`);
    }
    const refused =
      failed.size === 0
        ? []
        : (targets ?? targetsOf())
            .filter((t) => failed.has(t.entry.uid))
            .map((t) => (command.uid ? t.entry.uid : t.seq));
    if (refused.length > 0) return { code: `MODIFIED ${formatNumberSet(refused)}`, text: 'Conditional STORE failed.' };
    return { text: 'STORE completed.' };
  },
};
