/** UIDL [msg] (RFC 1939 §7): unique ids, stable across sessions (`uidvalidity.uid`). */
import { multiline, ok } from '@kgc/pop3-proto';
import type { Pop3CommandSpec } from '../context.js';
import { messageOf, transaction } from './common.js';

export const uidl: Pop3CommandSpec<'UIDL'> = {
  name: 'UIDL',
  states: ['transaction'],
  async handle(ctx, command) {
    const { drop } = transaction(ctx);
    if (command.msg !== undefined) {
      const m = messageOf(drop, command.msg);
      await ctx.send(ok(`${command.msg} ${m.uidl}`));
      return;
    }
    const lines: string[] = [];
    drop.messages.forEach((m, i) => {
      if (!drop.deleted.has(i)) lines.push(`${i + 1} ${m.uidl}`);
    });
    await ctx.send(multiline(ok(), lines));
  },
};
