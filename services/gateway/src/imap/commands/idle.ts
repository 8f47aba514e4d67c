/**
 * IDLE (RFC 2177): `+ idling`, then changes of the selected mailbox are sent as they happen
 * (pushed from the bus, or the long poll) until DONE.
 */
import type { ImapCommandSpec } from '../context.js';
import { bad } from '../errors.js';

export const idle: ImapCommandSpec<'IDLE'> = {
  name: 'IDLE',
  states: ['authenticated', 'selected'],
  async handle(ctx, command) {
    if (!ctx.settings.idle) throw bad('IDLE is disabled.');
    await ctx.send('+ idling\r\n');
    ctx.setMode({ kind: 'idle', tag: command.tag, stop: () => undefined });
    await ctx.syncSelected(true);
    return null;
  },
};
