/** STAT (RFC 1939 §5): count and octets of the messages not marked deleted. */
import { ok } from '@kgc/pop3-proto';
import type { Pop3CommandSpec } from '../context.js';
import { transaction } from './common.js';

export const stat: Pop3CommandSpec<'STAT'> = {
  name: 'STAT',
  states: ['transaction'],
  async handle(ctx) {
    const { drop } = transaction(ctx);
    let count = 0;
    let octets = 0;
    drop.messages.forEach((m, i) => {
      if (drop.deleted.has(i)) return;
      count++;
      octets += m.size;
    });
    await ctx.send(ok(`${count} ${octets}`));
  },
};
