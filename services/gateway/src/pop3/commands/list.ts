/** LIST [msg] (RFC 1939 §5): message sizes. */
import { multiline, ok } from '@kgc/pop3-proto';
import type { Pop3CommandSpec } from '../context.js';
import { messageOf, transaction } from './common.js';

export const list: Pop3CommandSpec<'LIST'> = {
  name: 'LIST',
  states: ['transaction'],
  async handle(ctx, command) {
    const { drop } = transaction(ctx);
    if (command.msg !== undefined) {
      const m = messageOf(drop, command.msg);
      await ctx.send(ok(`${command.msg} ${m.size}`));
      return;
    }
    const lines: string[] = [];
    let octets = 0;
    drop.messages.forEach((m, i) => {
      if (drop.deleted.has(i)) return;
      lines.push(`${i + 1} ${m.size}`);
      octets += m.size;
    });
    await ctx.send(multiline(ok(`${lines.length} messages (${octets} octets)`), lines));
  },
};
