/** NOOP and CHECK (RFC 3501 §6.1.2, §6.4.1): a poll for changes of the selected mailbox. */
import type { ImapCommandSpec, ImapContext } from '../context.js';

async function poll(ctx: ImapContext): Promise<void> {
  if (ctx.state.kind !== 'selected') return;
  await ctx.state.mailbox.handle.refresh();
}

export const noop: ImapCommandSpec<'NOOP'> = {
  name: 'NOOP',
  states: ['not-authenticated', 'authenticated', 'selected'],
  async handle(ctx) {
    await poll(ctx);
    return { text: 'NOOP completed.' };
  },
};

export const check: ImapCommandSpec<'CHECK'> = {
  name: 'CHECK',
  states: ['selected'],
  async handle(ctx) {
    await poll(ctx);
    return { text: 'CHECK completed.' };
  },
};
