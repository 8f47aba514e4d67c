/**
 * STORE (RFC 3501 §6.4.6): FLAGS / +FLAGS / -FLAGS (.SILENT) in one server call for all the
 * messages; the new flags are answered as FETCH unless silent. UNCHANGEDSINCE needs CONDSTORE,
 * which is not offered.
 */
import type { ImapCommandSpec } from '../context.js';
import { bad } from '../errors.js';
import { flagList } from '../wire.js';
import { storeOf, writableOf } from './common.js';

export const store: ImapCommandSpec<'STORE'> = {
  name: 'STORE',
  states: ['selected'],
  holdsExpunges: (command) => !command.uid,
  async handle(ctx, command) {
    if (command.unchangedSince !== null) throw bad('UNCHANGEDSINCE needs CONDSTORE, which is not offered.');
    const mailbox = writableOf(ctx);
    const targets = mailbox.resolve(command.sequenceSet, command.uid).filter((t) => !t.entry.expunged);
    if (targets.length === 0) return { text: 'STORE completed.' };
    const flags = command.flags.filter((f) => f !== '\\Recent');
    const change =
      command.operation === 'add'
        ? { add: flags }
        : command.operation === 'remove'
          ? { remove: flags }
          : { replace: flags };
    const r = await storeOf(ctx).setFlags(
      mailbox.folder.folderId,
      targets.map((t) => t.entry.messageId),
      change,
    );
    mailbox.applyOwn(r.updated);
    if (!command.silent) {
      const lines: string[] = [];
      for (const t of targets) {
        const seq = mailbox.seqOf(t.entry.uid);
        const e = seq === undefined ? undefined : mailbox.view[seq - 1];
        if (!e || seq === undefined) continue;
        lines.push(`* ${seq} FETCH (FLAGS ${flagList(mailbox.flagsOf(e))}${command.uid ? ` UID ${e.uid}` : ''})`);
      }
      if (lines.length > 0) await ctx.send(`${lines.join('\r\n')}\r\n`);
    }
    return { text: 'STORE completed.' };
  },
};
