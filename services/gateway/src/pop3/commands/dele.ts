/** DELE msg (RFC 1939 §5): marks the message; it is deleted only by QUIT (UPDATE state). */
import { ok } from '@kgc/pop3-proto';
import type { Pop3CommandSpec } from '../context.js';
import { messageOf, transaction } from './common.js';

export const dele: Pop3CommandSpec<'DELE'> = {
  name: 'DELE',
  states: ['transaction'],
  async handle(ctx, command) {
    const { drop } = transaction(ctx);
    messageOf(drop, command.msg);
    drop.deleted.add(command.msg - 1);
    await ctx.send(ok(`Message ${command.msg} marked for deletion.`));
  },
};
