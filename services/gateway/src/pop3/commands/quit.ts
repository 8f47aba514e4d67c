/**
 * QUIT (RFC 1939 §6): in TRANSACTION, enter UPDATE and delete the marked messages; a connection
 * that ends any other way deletes nothing.
 */
import { err, ok } from '@kgc/pop3-proto';
import type { Pop3CommandSpec } from '../context.js';

export const quit: Pop3CommandSpec<'QUIT'> = {
  name: 'QUIT',
  states: ['authorization', 'transaction'],
  async handle(ctx) {
    if (ctx.state.kind !== 'transaction') {
      ctx.state = { kind: 'closed' };
      await ctx.close(ok('Bye.'));
      return;
    }
    const { store, drop } = ctx.state;
    ctx.state = { kind: 'update' };
    const ids = [...drop.deleted].map((i) => drop.messages[i]?.messageId).filter((id) => id !== undefined);
    let reply = ok(ids.length > 0 ? `Deleted ${ids.length} messages. Bye.` : 'Bye.');
    try {
      await store.deleteMessages(ids);
    } catch (e) {
      ctx.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'POP3 UPDATE failed');
      reply = err('Some deleted messages were not removed.', 'SYS/TEMP');
    }
    await store.close();
    ctx.state = { kind: 'closed' };
    await ctx.close(reply);
  },
};
