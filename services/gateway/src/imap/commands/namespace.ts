/** NAMESPACE (RFC 2342): one personal namespace, as KGC. */
import type { ImapCommandSpec } from '../context.js';

export const namespace: ImapCommandSpec<'NAMESPACE'> = {
  name: 'NAMESPACE',
  states: ['authenticated', 'selected'],
  async handle(ctx) {
    await ctx.untagged('NAMESPACE (("" "/")) NIL NIL');
    return { text: 'NAMESPACE completed.' };
  },
};
