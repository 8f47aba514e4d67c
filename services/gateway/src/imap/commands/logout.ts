/** LOGOUT (RFC 3501 §6.1.3): BYE, the tagged OK, then the connection closes. */
import type { ImapCommandSpec } from '../context.js';

export const logout: ImapCommandSpec<'LOGOUT'> = {
  name: 'LOGOUT',
  states: ['not-authenticated', 'authenticated', 'selected'],
  async handle(ctx) {
    await ctx.untagged('BYE Logging out.');
    ctx.select(undefined);
    const s = ctx.state;
    ctx.state = { kind: 'logout' };
    if (s.kind === 'authenticated' || s.kind === 'selected') await s.store.close();
    return { text: 'Logout completed.' };
  },
};
