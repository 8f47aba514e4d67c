/**
 * LIST and LSUB (RFC 3501 §6.3.8, §6.3.9) with CHILDREN (RFC 3348) and SPECIAL-USE (RFC 6154)
 * attributes. LIST-EXTENDED selection and return options are not offered and are refused.
 */
import type { ImapCommandSpec } from '../context.js';
import { bad } from '../errors.js';
import { DELIMITER, type MailboxEntry, specialUseOf } from '../names.js';
import { quotedMailbox } from '../wire.js';
import { storeOf } from './common.js';

function listLine(kind: 'LIST' | 'LSUB', e: MailboxEntry, extra: string[] = []): Buffer {
  const attrs = [e.hasChildren ? '\\HasChildren' : '\\HasNoChildren', ...extra];
  const su = specialUseOf(e.folder);
  if (su && kind === 'LIST') attrs.push(su);
  return Buffer.concat([
    Buffer.from(`* ${kind} (${attrs.join(' ')}) "${DELIMITER}" `, 'latin1'),
    quotedMailbox(e.name),
    Buffer.from('\r\n'),
  ]);
}

export const list: ImapCommandSpec<'LIST'> = {
  name: 'LIST',
  states: ['authenticated', 'selected'],
  async handle(ctx, command) {
    if (command.extended) throw bad('LIST-EXTENDED is not offered.');
    const pattern = command.patterns[0] ?? '';
    if (pattern === '') {
      // The delimiter and root of the reference (RFC 3501 §6.3.8).
      await ctx.untagged(`LIST (\\Noselect) "${DELIMITER}" ""`);
      return { text: 'LIST completed.' };
    }
    const tree = await ctx.tree(storeOf(ctx));
    const out = tree.match(command.reference, pattern).map((e) => listLine('LIST', e));
    if (out.length > 0) await ctx.send(Buffer.concat(out));
    return { text: 'LIST completed.' };
  },
};

export const lsub: ImapCommandSpec<'LSUB'> = {
  name: 'LSUB',
  states: ['authenticated', 'selected'],
  async handle(ctx, command) {
    if (command.pattern === '') return { text: 'LSUB completed.' };
    const tree = await ctx.tree(storeOf(ctx));
    const out = tree
      .match(command.reference, command.pattern)
      .filter((e) => e.folder.subscribed)
      .map((e) => listLine('LSUB', e));
    if (out.length > 0) await ctx.send(Buffer.concat(out));
    return { text: 'LSUB completed.' };
  },
};
