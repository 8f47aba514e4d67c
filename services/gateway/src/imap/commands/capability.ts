/** CAPABILITY (RFC 3501 §6.1.1). */
import type { ImapCommandSpec } from '../context.js';

export const capability: ImapCommandSpec<'CAPABILITY'> = {
  name: 'CAPABILITY',
  states: ['not-authenticated', 'authenticated', 'selected'],
  async handle(ctx) {
    await ctx.untagged(`CAPABILITY ${ctx.capabilities().join(' ')}`);
    return { text: 'Capability completed.' };
  },
};
