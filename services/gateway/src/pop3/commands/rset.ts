/** RSET (RFC 1939 §5): unmark every message marked by DELE. */
import { ok } from '@kgc/pop3-proto';
import type { Pop3CommandSpec } from '../context.js';
import { transaction } from './common.js';

export const rset: Pop3CommandSpec<'RSET'> = {
  name: 'RSET',
  states: ['transaction'],
  async handle(ctx) {
    const { drop } = transaction(ctx);
    drop.deleted.clear();
    await ctx.send(ok(`${drop.messages.length} messages`));
  },
};
